/**
 * Keeps clients of the mirror server from holding it: every socket is reset after `idleTimeoutMs` without
 * progress either way (a client that stops reading), and connections beyond a total or a per-address cap are
 * dropped as they arrive. A reset rather than a close: a closed socket whose peer reads nothing keeps its unsent
 * bytes in the kernel until the peer gives up, a reset frees them at once.
 */
import { EventEmitter } from 'node:events'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export interface ConnectionLimits {
  /** reset a socket after this long with no byte sent or received; default 60 s */
  idleTimeoutMs?: number
  /** most connections open at once; default 256 */
  maxConnections?: number
  /** most connections open at once from one remote address; default 32 */
  maxConnectionsPerAddress?: number
}

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000
export const DEFAULT_MAX_CONNECTIONS = 256
/** python-simplestreams fetches one file at a time; MAAS regions a few at once. */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 32

/** What the guard has done so far; emits 'change' after every open, close, drop or reset. */
export class ConnectionGuard extends EventEmitter {
  open = 0
  /** connections dropped on arrival because a cap was reached */
  dropped = 0
  /** connections reset for inactivity */
  timedOut = 0
  private readonly perAddress = new Map<string, number>()

  constructor(server: Server, limits: ConnectionLimits = {}) {
    super()
    const idle = limits.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    const total = limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS
    const perAddress = limits.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS
    // node:http applies server.timeout to each socket and restores it after a keep-alive pause; with a
    // 'timeout' listener on the server it leaves the socket to us.
    server.setTimeout(idle)
    server.on('timeout', (socket: Socket) => {
      this.timedOut++
      socket.resetAndDestroy()
      this.emit('change')
    })
    // A request's headers must arrive within the same time (a client trickling one header byte at a time).
    server.headersTimeout = Math.min(idle, server.headersTimeout)
    server.requestTimeout = Math.min(idle, server.requestTimeout || idle)
    server.on('connection', (socket: Socket) => {
      const from = socket.remoteAddress ?? ''
      const n = this.perAddress.get(from) ?? 0
      if (this.open >= total || n >= perAddress) {
        this.dropped++
        socket.resetAndDestroy()
        this.emit('change')
        return
      }
      this.open++
      this.perAddress.set(from, n + 1)
      socket.once('close', () => {
        this.open--
        const left = (this.perAddress.get(from) ?? 1) - 1
        if (left === 0) this.perAddress.delete(from)
        else this.perAddress.set(from, left)
        this.emit('change')
      })
      this.emit('change')
    })
  }
}
