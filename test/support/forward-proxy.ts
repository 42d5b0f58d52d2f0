import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'

export interface ForwardProxy {
  /** http://127.0.0.1:PORT */
  url: string
  /** "GET http://host/path" or "CONNECT host:443", in arrival order */
  log: string[]
  close(): Promise<void>
}

/**
 * A tiny loopback forward proxy for tests: absolute-URI requests and CONNECT tunnels. Every host name is sent
 * to `upstream` (127.0.0.1:port), so a test can use a made-up name that only resolves through the proxy:
 * a request that reached the server therefore went through the proxy.
 */
export async function startForwardProxy(upstream: { port: number; tlsPort?: number }): Promise<ForwardProxy> {
  const log: string[] = []
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    log.push(`${req.method} ${req.url}`)
    let target: URL
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end('absolute URI required\n')
      return
    }
    const up = http.request(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method: req.method,
        path: target.pathname + target.search,
        headers: req.headers
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      }
    )
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    log.push(`CONNECT ${req.url}`)
    const up = net.connect(upstream.tlsPort ?? upstream.port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) up.write(head)
      up.pipe(client)
      client.pipe(up)
    })
    up.on('error', () => client.destroy())
    client.on('error', () => up.destroy())
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
  }
}
