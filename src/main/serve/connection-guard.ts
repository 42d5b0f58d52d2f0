/**
 * Keeps clients of the mirror server from holding it: every socket is reset once no byte has moved either way
 * for `idleTimeoutMs` (a client that stops reading), and connections beyond a total or a per-address cap are
 * dropped as they arrive. A reset rather than a close: a closed socket whose peer reads nothing keeps its unsent
 * bytes in the kernel until the peer gives up, a reset frees them at once.
 *
 * Idleness is measured here, from each socket's byte counts, not with socket.setTimeout: Node does not fire that
 * timeout while a write is pending unless the pending size stayed the same over a whole period, so a client that
 * stalls mid-body was reset only after twice the time.
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
  /** per open socket: bytes moved at the last look, and since when that count has not changed */
  private readonly progress = new Map<Socket, { moved: number; since: number }>()

  constructor(server: Server, limits: ConnectionLimits = {}) {
    super()
    const idle = limits.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    const total = limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS
    const perAddress = limits.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS
    // A request's headers must arrive within the same time (a client trickling one header byte at a time).
    server.headersTimeout = Math.min(idle, server.headersTimeout)
    server.requestTimeout = Math.min(idle, server.requestTimeout || idle)
    // Looks every quarter of the idle time (at most every 5 s): a stalled socket goes within idle + that.
    const sweep = setInterval(() => this.resetIdle(idle), Math.max(25, Math.min(idle / 4, 5000)))
    sweep.unref()
    server.once('close', () => clearInterval(sweep))
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
      this.progress.set(socket, { moved: 0, since: Date.now() })
      socket.once('close', () => {
        this.open--
        this.progress.delete(socket)
        const left = (this.perAddress.get(from) ?? 1) - 1
        if (left === 0) this.perAddress.delete(from)
        else this.perAddress.set(from, left)
        this.emit('change')
      })
      this.emit('change')
    })
  }

  private resetIdle(idle: number): void {
    const now = Date.now()
    for (const [socket, p] of this.progress) {
      // bytesWritten counts what was handed to the socket: it stops growing once the client stops reading
      // and the response is held back by backpressure.
      const moved = socket.bytesRead + socket.bytesWritten
      if (moved !== p.moved) {
        p.moved = moved
        p.since = now
      } else if (now - p.since >= idle) {
        this.progress.delete(socket)
        this.timedOut++
        socket.resetAndDestroy()
        this.emit('change')
      }
    }
  }
}
