/**
 * Browser-mode transport: the built renderer in a plain browser talks to the real main-process
 * services over a WebSocket. Same contract, same services, same validation as IPC; only the
 * transport differs. Loopback only, and every connection must present the per-run random token
 * and come from the page this server served (Origin check); every request must name a loopback Host
 * with this port (DNS rebinding).
 */
import { createServer, type Server } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { eventNames, type RequestHandlers } from '@shared/ipc-contract'
import type { AppEvents } from '../services/events'
import { handleRequest, InFlightRequests } from '../services/handle-request'
import { serveStatic } from './static-files'

export interface BridgeServerOptions {
  services: RequestHandlers
  events: AppEvents
  rendererDir: string
  port?: number
  token?: string
}

export interface BridgeServer {
  /** the page to open, token included */
  url: string
  origin: string
  token: string
  close(): Promise<void>
}

const MAX_MESSAGE = 1024 * 1024

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function startBridgeServer(opts: BridgeServerOptions): Promise<BridgeServer> {
  const token = opts.token ?? randomBytes(24).toString('hex')
  // Filled in once listening: the port is only known then.
  let allowedHosts = new Set<string>()
  const http: Server = createServer((req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res
        .writeHead(421, { 'content-type': 'text/plain' })
        .end('wrong Host header: this server is loopback only')
      return
    }
    serveStatic(opts.rendererDir, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(opts.port ?? 0, '127.0.0.1', resolve)
  })
  const { port } = http.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  // A DNS-rebinding page reaches this port under its own name: only loopback names with our port pass.
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin)
    if (
      !allowedHosts.has(req.headers.host ?? '') ||
      url.pathname !== '/bridge' ||
      !sameToken(url.searchParams.get('token'), token) ||
      req.headers.origin !== origin
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  function attach(ws: WebSocket): void {
    const offs = eventNames.map((event) =>
      opts.events.on(event, (payload) => ws.send(JSON.stringify({ event, payload })))
    )
    // This connection's cancellable requests: a dropped page's long requests stop with it.
    const inFlight = new InFlightRequests()
    ws.on('close', () => {
      offs.forEach((off) => off())
      inFlight.cancelAll()
    })
    ws.on('message', async (data) => {
      let msg: { id?: unknown; name?: unknown; arg?: unknown; requestId?: unknown }
      try {
        msg = JSON.parse(String(data))
      } catch {
        return
      }
      if (typeof msg.id !== 'number' || typeof msg.name !== 'string') return
      const result = await handleRequest(opts.services, msg.name, msg.arg, {
        requestId: msg.requestId === undefined ? undefined : (msg.requestId as string),
        inFlight
      })
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, result }))
    })
  }

  return {
    url: `${origin}/?bridge=ws&token=${token}#/`,
    origin,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    }
  }
}
