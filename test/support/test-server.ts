import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Throttle, TokenBucket } from './throttle'

export interface TestServerFault {
  status?: number
  /** absolute file offset whose byte is flipped on the way out */
  corruptAt?: number
  redirectTo?: string
}

export interface TestServerOptions {
  root: string
  /** per connection cap */
  rateBytesPerSec?: number
  /** added before each response */
  latencyMs?: number
  /** every Nth payload (non-metadata, i.e. not under streams/) response is destroyed half way */
  cutEveryNth?: number
  /** keyed by URL path, e.g. '/streams/v1/index.sjson' */
  faults?: Record<string, TestServerFault>
  /** default true */
  range?: boolean
  /** default true */
  etag?: boolean
  /**
   * while true, no response passes on another body byte, in flight or new (new ones still send their headers):
   * a mirror or proxy that has hung without closing its connections
   */
  hang?: boolean
  /** default 0 (any free port); the standalone CLI can pin one */
  port?: number
}

export interface TestServerStats {
  requests: number
  bytesServed: number
  byPath: Map<string, { requests: number; bytes: number }>
}

export interface TestServer {
  /** http://127.0.0.1:PORT/ with trailing slash */
  url: string
  port: number
  stats: TestServerStats
  /** mutable at runtime */
  options: TestServerOptions
  /** stats as plain JSON (what GET /__stats returns) */
  statsJson(): {
    requests: number
    bytesServed: number
    byPath: Record<string, { requests: number; bytes: number }>
  }
  resetStats(): void
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.sjson': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8'
}

type Range = { start: number; end: number } | 'unsatisfiable' | null

/** Parses one `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else (several ranges, junk) means "whole file". */
export function parseRange(header: string | undefined, size: number): Range {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return null
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}

/** Flips the byte at absolute file offset `at` while streaming bytes that start at `offset`. */
class Corrupter extends Transform {
  constructor(
    private pos: number,
    private readonly at: number
  ) {
    super()
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const rel = this.at - this.pos
    if (rel >= 0 && rel < chunk.length) {
      chunk = Buffer.from(chunk)
      chunk[rel] ^= 0xff
    }
    this.pos += chunk.length
    done(null, chunk)
  }
}

/** Counts body bytes written to the client into the stats. */
class Counter extends Transform {
  constructor(private readonly add: (n: number) => void) {
    super()
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.add(chunk.length)
    done(null, chunk)
  }
}

/**
 * Loopback-only static file server that behaves like a stream mirror, with knobs for the failures the importer
 * must survive: slow links, latency, dropped connections, bad statuses, corrupt bytes and redirects.
 */
export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  const options: TestServerOptions = { ...opts }
  const rootReal = await realpath(resolve(opts.root))
  const stats: TestServerStats = { requests: 0, bytesServed: 0, byPath: new Map() }
  const buckets = new WeakMap<Socket, TokenBucket>()
  const sockets = new Set<Socket>()
  let payloadResponses = 0

  const count = (path: string, bytes: number, request: boolean): void => {
    const entry = stats.byPath.get(path) ?? { requests: 0, bytes: 0 }
    if (request) {
      stats.requests++
      entry.requests++
    }
    stats.bytesServed += bytes
    entry.bytes += bytes
    stats.byPath.set(path, entry)
  }

  const statsJson: TestServer['statsJson'] = () => ({
    requests: stats.requests,
    bytesServed: stats.bytesServed,
    byPath: Object.fromEntries(stats.byPath)
  })

  const bucketFor = (socket: Socket): TokenBucket | undefined => {
    const rate = options.rateBytesPerSec
    if (!rate || rate <= 0) return undefined
    let b = buckets.get(socket)
    if (!b) {
      b = new TokenBucket(rate)
      buckets.set(socket, b)
    }
    b.rate = rate
    return b
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = (req.url ?? '/').split('?')[0]
    if (rawPath === '/__stats') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(JSON.stringify(statsJson()))
      return
    }
    count(rawPath, 0, true)
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs))
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const fault = options.faults?.[rawPath]
    if (fault?.redirectTo) {
      res.writeHead(302, { Location: fault.redirectTo }).end()
      return
    }
    if (fault?.status) {
      const text = `${fault.status} ${http.STATUS_CODES[fault.status] ?? ''}\n`
      res.writeHead(fault.status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) })
      res.end(req.method === 'HEAD' ? undefined : text)
      return
    }

    let decoded: string
    try {
      decoded = decodeURIComponent(rawPath)
    } catch {
      res.writeHead(400).end('bad path\n')
      return
    }
    if (decoded.includes('\0') || decoded.includes('\\')) {
      res.writeHead(400).end('bad path\n')
      return
    }
    const file = resolve(rootReal, `.${decoded}`)
    if (file !== rootReal && !file.startsWith(rootReal + sep)) {
      res.writeHead(403).end('outside root\n')
      return
    }
    let st
    try {
      // realpath also catches symlinks that point out of the root.
      const real = await realpath(file)
      if (real !== rootReal && !real.startsWith(rootReal + sep)) {
        res.writeHead(403).end('outside root\n')
        return
      }
      st = await stat(real)
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n')
      return
    }
    if (!st.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not a file\n')
      return
    }

    const size = st.size
    const etag = `"${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`
    const lastModified = st.mtime.toUTCString()
    const headers: Record<string, string | number> = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Last-Modified': lastModified
    }
    const useEtag = options.etag !== false
    if (useEtag) headers.ETag = etag
    if (options.range !== false) headers['Accept-Ranges'] = 'bytes'

    const inm = req.headers['if-none-match']
    const ims = req.headers['if-modified-since']
    const notModified =
      useEtag && inm !== undefined
        ? inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')
        : ims !== undefined && Math.floor(st.mtimeMs / 1000) <= Math.floor(Date.parse(ims) / 1000)
    if (notModified) {
      res.writeHead(304, headers).end()
      return
    }

    let start = 0
    let end = size - 1
    let status = 200
    const ifRange = req.headers['if-range']
    const rangeAllowed = options.range !== false && (!ifRange || ifRange === etag || ifRange === lastModified)
    const range = rangeAllowed ? parseRange(req.headers.range, size) : null
    if (range === 'unsatisfiable') {
      res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 }).end()
      return
    }
    if (range) {
      ;({ start, end } = range)
      status = 206
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`
    }
    const length = size === 0 ? 0 : end - start + 1
    headers['Content-Length'] = length
    res.writeHead(status, headers)
    // Node holds the headers back until the first body byte, which a hung server never sends.
    if (options.hang) res.flushHeaders()
    if (req.method === 'HEAD' || length === 0) {
      res.end()
      return
    }

    const isPayload = !rawPath.startsWith('/streams/')
    const cut = isPayload && !!options.cutEveryNth && ++payloadResponses % options.cutEveryNth === 0
    const sendEnd = cut ? start + Math.max(0, Math.floor(length / 2) - 1) : end
    const stages: NodeJS.ReadWriteStream[] = []
    if (fault?.corruptAt !== undefined) stages.push(new Corrupter(start, fault.corruptAt))
    stages.push(
      new Throttle(
        () => bucketFor(req.socket),
        () => options.hang === true
      )
    )
    stages.push(new Counter((n) => count(rawPath, n, false)))
    const source = createReadStream(file, { start, end: sendEnd, highWaterMark: 64 * 1024 })
    try {
      if (cut) {
        // Send about half, then drop the connection as a flaky mirror or proxy would.
        await pipeline([source, ...stages, res], { end: false })
        await new Promise<void>((r) => (res.writableNeedDrain ? res.once('drain', r) : r()))
        req.socket.destroy()
      } else {
        await pipeline([source, ...stages, res])
      }
    } catch {
      // Client went away; nothing to report.
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal error\n')
      else res.destroy()
    })
  })
  server.keepAliveTimeout = 5000
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    stats,
    options,
    statsJson,
    resetStats() {
      stats.requests = 0
      stats.bytesServed = 0
      stats.byPath.clear()
    },
    close() {
      return new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
    }
  }
}
