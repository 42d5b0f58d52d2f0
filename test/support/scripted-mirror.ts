/**
 * A loopback mirror whose answers a test scripts per request: honest by default (Range answered with
 * 206), and on demand a whole-file 200 with other bytes, a file of another size, or raw bytes on the
 * socket with lying headers. It is what a hostile mirror, or a proxy on the path, can send.
 */
import { readFile } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { resolve, sep } from 'node:path'

export interface ScriptedRequest {
  /** URL path, e.g. '/noble/amd64/20250805/squashfs' */
  path: string
  /** the Range asked for, inclusive end, or null */
  range: { start: number; end: number } | null
  /** 1-based count of requests for this path so far */
  nth: number
  /** the file's bytes on disk */
  data: Buffer
}

export type ScriptedReply =
  /** answer honestly, from `data` (default: the file on disk), as a Range-capable server */
  | { honest: true; data?: Buffer }
  /** exactly this status, headers and body */
  | { status: number; headers?: Record<string, string | number>; body: Buffer }
  /** these bytes on the socket, then the connection is closed: headers that lie about the body */
  | { raw: Buffer }

export type Script = (req: ScriptedRequest) => ScriptedReply | undefined

export interface ScriptedMirror {
  /** http://127.0.0.1:PORT/ */
  url: string
  /** mutable: the script for every request; undefined answers honestly */
  script: Script | undefined
  requests: Map<string, number>
  close(): Promise<void>
}

export async function startScriptedMirror(root: string): Promise<ScriptedMirror> {
  const base = resolve(root)
  const sockets = new Set<Socket>()
  const mirror: ScriptedMirror = {
    url: '',
    script: undefined,
    requests: new Map(),
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0])
    const file = resolve(base, `.${path}`)
    if (!file.startsWith(base + sep)) {
      res.writeHead(403).end()
      return
    }
    let data: Buffer
    try {
      data = await readFile(file)
    } catch {
      res.writeHead(404).end('not found\n')
      return
    }
    const nth = (mirror.requests.get(path) ?? 0) + 1
    mirror.requests.set(path, nth)
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    const range = m ? { start: Number(m[1]), end: m[2] === '' ? data.length - 1 : Number(m[2]) } : null
    const reply = mirror.script?.({ path, range, nth, data }) ?? { honest: true }
    if ('raw' in reply) {
      req.socket.end(reply.raw)
      req.socket.destroySoon()
      return
    }
    if ('status' in reply) {
      res.writeHead(reply.status, { 'Content-Length': reply.body.length, ...reply.headers })
      res.end(reply.body)
      return
    }
    honest(res, reply.data ?? data, range)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  mirror.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  return mirror
}

function honest(res: ServerResponse, data: Buffer, range: ScriptedRequest['range']): void {
  if (!range) {
    res.writeHead(200, { 'Content-Length': data.length, 'Accept-Ranges': 'bytes' })
    res.end(data)
    return
  }
  if (range.start >= data.length) {
    res.writeHead(416, { 'Content-Range': `bytes */${data.length}`, 'Content-Length': 0 }).end()
    return
  }
  const end = Math.min(range.end, data.length - 1)
  res.writeHead(206, {
    'Content-Length': end - range.start + 1,
    'Content-Range': `bytes ${range.start}-${end}/${data.length}`
  })
  res.end(data.subarray(range.start, end + 1))
}

/** The whole file as a 200, as a server that ignores (or stops honouring) Range sends it. */
export function whole(data: Buffer): ScriptedReply {
  return { status: 200, body: data }
}

/** `data` with every byte of [from, to) flipped. */
export function altered(data: Buffer, from: number, to: number): Buffer {
  const out = Buffer.from(data)
  for (let i = from; i < Math.min(to, out.length); i++) out[i] ^= 0xff
  return out
}
