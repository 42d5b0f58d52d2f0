/**
 * What the move to undici added or could have lost: proxy credentials sent as a token and never shown,
 * undici's error codes turned into messages that name the URL, the proxy and the cause, a paused body on a
 * closed connection (undici 7's crash, nodejs/undici#5360), and keep-alive reuse on the downloader's path.
 */
import diagnostics from 'node:diagnostics_channel'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { join } from 'node:path'
import net, { type AddressInfo, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errors } from 'undici'
import { AppError } from '@shared/errors'
import { scrubSecrets } from '@shared/scrub-secrets'
import { networkError } from '../../src/main/net/describe-error'
import { httpGet, httpOpen } from '../../src/main/net/request'
import { fullGc } from '../support/full-gc'
import type { ResponseBody } from '../../src/main/net/response-body'
import { onReceived } from '../../src/main/net/receive-meter'

const noProxy = { http_proxy: '', https_proxy: '', no_proxy: '*' }
const SECRET = 'pr0xy-Pa55word'

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return (server.address() as AddressInfo).port
}

function close(server: net.Server, sockets: Iterable<Socket> = []): Promise<void> {
  for (const s of sockets) s.destroy()
  return new Promise((r) => server.close(() => r()))
}

/** Reads a raw body to the end, the way body-writer does: pausing on every chunk, resuming later. */
function drainSlowly(body: ResponseBody): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    body.consume({
      data(chunk) {
        parts.push(Buffer.from(chunk))
        body.pause()
        setTimeout(() => body.resume(), 5)
      },
      end: () => resolve(Buffer.concat(parts)),
      error: reject
    })
  })
}

describe('a proxy that wants credentials', () => {
  let proxy: http.Server
  let port: number
  const seen: string[] = []
  const sockets = new Set<Socket>()
  const good = `Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`

  beforeAll(async () => {
    proxy = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['proxy-authorization'] ?? '-'}`)
      if (req.headers['proxy-authorization'] !== good) {
        res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="p"' }).end()
        return
      }
      res.end('through the proxy')
    })
    proxy.on('connect', (req: http.IncomingMessage, client: Socket) => {
      seen.push(`CONNECT ${req.url} ${req.headers['proxy-authorization'] ?? '-'}`)
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n')
    })
    proxy.on('connection', (s) => sockets.add(s))
    port = await listen(proxy)
  })
  afterAll(() => close(proxy, sockets))

  it('gets them as a Basic token on an absolute-URI request', async () => {
    seen.length = 0
    const res = await httpGet('http://stream.test/a', {
      proxy: { http_proxy: `http://admin:${SECRET}@127.0.0.1:${port}`, no_proxy: '' }
    })
    let text = ''
    for await (const c of res.body as AsyncIterable<Buffer>) text += c.toString()
    expect(text).toBe('through the proxy')
    expect(seen).toEqual([`GET http://stream.test/a ${good}`])
  })

  it.each([
    [
      'http',
      'http_proxy',
      'http://stream.test/b',
      /^proxy http:\/\/127\.0\.0\.1:\d+ refused the request: HTTP 407 Proxy Authentication Required fetching http:\/\/stream\.test\/b$/
    ],
    [
      'https (CONNECT)',
      'https_proxy',
      'https://stream.test/c',
      /^proxy http:\/\/127\.0\.0\.1:\d+ refused CONNECT to stream\.test:443 \(HTTP 407 Proxy Authentication Required\) fetching https:\/\/stream\.test\/c$/
    ]
  ])(
    'refused for %s: the message names the proxy, the URL and the 407, never the password',
    async (_k, setting, url, words) => {
      seen.length = 0
      const wrong = 'wr0ng-Secret'
      const err = (await httpGet(url, {
        proxy: { [setting]: `http://admin:${wrong}@127.0.0.1:${port}`, no_proxy: '' }
      }).catch((e: unknown) => e)) as AppError
      expect(err).toBeInstanceOf(AppError)
      // Not a network error: the downloader must not retry what only new proxy settings can fix.
      expect(err.code).toBe('proxy_refused')
      expect(err.message).toMatch(words)
      const token = Buffer.from(`admin:${wrong}`).toString('base64')
      // The proxy did get the credentials (as a token) ...
      expect(seen).toHaveLength(1)
      expect(seen[0]).toContain(`Basic ${token}`)
      // ... and no form of them reaches a message, even through the undici error kept as the cause.
      for (const text of [
        err.message,
        String(err.stack),
        scrubSecrets(String((err.cause as Error)?.message))
      ]) {
        expect(text).not.toContain(wrong)
        expect(text).not.toContain(token)
      }
    }
  )
})

describe("undici's error codes become messages naming the URL, the proxy and the cause", () => {
  const url = 'http://mirror.test/f.img'
  it.each([
    [
      new errors.SocketError('other side closed'),
      'body',
      undefined,
      `connection closed early fetching ${url}`
    ],
    [
      new errors.ResponseContentLengthMismatchError(),
      'body',
      undefined,
      `connection closed early fetching ${url}`
    ],
    [
      new errors.SocketError('other side closed'),
      'headers',
      'http://proxy:3128',
      `network error fetching ${url} via proxy http://proxy:3128: UND_ERR_SOCKET (connection closed by the other side)`
    ],
    [
      new errors.ConnectTimeoutError(),
      'connect',
      undefined,
      `network error fetching ${url}: UND_ERR_CONNECT_TIMEOUT (connection timed out)`
    ],
    [
      new errors.HeadersOverflowError(),
      'headers',
      undefined,
      `network error fetching ${url}: UND_ERR_HEADERS_OVERFLOW (response headers too large)`
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3128'), { code: 'ECONNREFUSED' }),
      'connect',
      'http://10.0.0.1:3128',
      `cannot reach the proxy http://10.0.0.1:3128 to fetch ${url}: ECONNREFUSED (connection refused). Check the proxy in Settings > Proxy, or the http_proxy / https_proxy environment variables the app was started with.`
    ]
  ] as const)('%s in the %s phase', (err, phase, via, expected) => {
    const out = networkError(err, url, { via, phase })
    expect(out).toBeInstanceOf(AppError)
    expect(out.code).toBe('network')
    expect(out.message).toBe(expected)
    expect(out.cause).toBe(err)
  })

  it('an invalid HTTP answer (a parser error) says so, with the URL', async () => {
    const sockets = new Set<Socket>()
    const server = net.createServer((s) => {
      sockets.add(s)
      s.once('data', () => s.end('NOT HTTP AT ALL\r\n\r\n'))
    })
    const port = await listen(server)
    const target = `http://127.0.0.1:${port}/x`
    const err = (await httpGet(target, { proxy: noProxy, agent: 'none' }).catch(
      (e: unknown) => e
    )) as AppError
    expect(err.code).toBe('network')
    expect(err.message).toMatch(
      new RegExp(`^network error fetching ${target}: invalid HTTP response \\(.*HTTP/1\\.1 protocol`)
    )
    await close(server, sockets)
  })
})

/**
 * A raw server that answers the first request with a 200 claiming `contentLength` bytes, sends `body`, and
 * closes at once: by the time the body is consumed, all of it (and the FIN) is in the socket.
 */
async function answerAndClose(
  contentLength: number,
  body: Buffer
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const head = `HTTP/1.1 200 OK\r\nContent-Length: ${contentLength}\r\nConnection: close\r\n\r\n`
  const server = net.createServer((s) => {
    sockets.add(s)
    s.once('data', () => s.end(Buffer.concat([Buffer.from(head), body])))
  })
  const port = await listen(server)
  return { port, close: () => close(server, sockets) }
}

describe('a paused body on a connection the server closed (undici 7 crashed here)', () => {
  it('is read to its end, with every byte, by a consumer that pauses on every chunk', async () => {
    const body = Buffer.alloc(300 * 1024)
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff
    const server = await answerAndClose(body.length, body)
    for (let round = 0; round < 3; round++) {
      const res = await httpOpen(`http://127.0.0.1:${server.port}/f`, { proxy: noProxy })
      await new Promise((r) => setTimeout(r, 100))
      expect((await drainSlowly(res.body)).equals(body)).toBe(true)
    }
    await server.close()
  })

  it('a cut answer on such a connection fails as "connection closed early", not a crash', async () => {
    const server = await answerAndClose(500_000, Buffer.alloc(200_000))
    const url = `http://127.0.0.1:${server.port}/cut`
    const res = await httpOpen(url, { proxy: noProxy })
    await new Promise((r) => setTimeout(r, 100))
    const err = (await drainSlowly(res.body).catch((e: unknown) => e)) as AppError
    expect(err).toBeInstanceOf(AppError)
    expect(err.message).toBe(`connection closed early fetching ${url}`)
    await server.close()
  })
})

describe("the downloader's path (httpOpen)", () => {
  it('keeps one connection alive across Range requests read to their last byte', async () => {
    const data = Buffer.alloc(4 << 20, 7)
    let connections = 0
    const server = http.createServer((req, res) => {
      const m = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range))
      const start = Number(m?.[1])
      const end = Number(m?.[2])
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${data.length}`,
        'Content-Length': end - start + 1
      })
      res.end(data.subarray(start, end + 1))
    })
    server.on('connection', () => connections++)
    const port = await listen(server)
    const step = 1 << 20
    for (let at = 0; at < data.length; at += step) {
      const res = await httpOpen(`http://127.0.0.1:${port}/f`, {
        proxy: noProxy,
        headers: { Range: `bytes=${at}-${at + step - 1}` }
      })
      expect(res.status).toBe(206)
      expect((await drainSlowly(res.body)).length).toBe(step)
    }
    expect(connections).toBe(1)
    server.closeAllConnections()
    await close(server)
  })

  it("counts every body byte for the CLI's heap governor, which acts on them as they arrive", async () => {
    const data = Buffer.alloc(4 << 20, 7)
    const server = http.createServer((_req, res) => res.end(data))
    const port = await listen(server)
    let steps = 0
    const unhook = onReceived(1 << 20, () => steps++)
    try {
      const res = await httpOpen(`http://127.0.0.1:${port}/f`, { proxy: noProxy })
      expect((await drainSlowly(res.body)).length).toBe(data.length)
      await new Promise((r) => setImmediate(r))
    } finally {
      unhook()
    }
    expect(steps).toBe(4)
    server.closeAllConnections()
    await close(server)
  })

  it('lets the socket read that carried the headers be freed while the body still streams', async () => {
    // Headers now, the body a second later: the read holding the headers holds nothing else.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': 4, 'X-Padding': 'p'.repeat(200) })
      res.flushHeaders()
      setTimeout(() => res.end('body'), 1000)
    })
    const port = await listen(server)
    // What undici parsed the headers from: weak references to the memory under its raw header buffers.
    const reads: Array<WeakRef<ArrayBufferLike>> = []
    const onHeaders = (m: unknown): void => {
      for (const b of (m as { response: { headers: unknown[] } }).response.headers)
        if (Buffer.isBuffer(b)) reads.push(new WeakRef(b.buffer))
    }
    diagnostics.subscribe('undici:request:headers', onHeaders)
    const res = await httpOpen(`http://127.0.0.1:${port}/slow`, { proxy: noProxy }).finally(() =>
      diagnostics.unsubscribe('undici:request:headers', onHeaders)
    )
    expect(res.status).toBe(200)
    expect(reads.length).toBeGreaterThan(0)
    // The request is still open (its body has not come): a full collection must find those reads dead.
    // No deref() before the collections (it keeps its target alive to the end of the job), and a timer between
    // them: objects a job kept for its WeakRefs are let go only when the job ends.
    const gc = fullGc()
    for (let i = 0; i < 3; i++) {
      gc()
      await new Promise((r) => setTimeout(r, 10))
    }
    expect(reads.filter((r) => r.deref() !== undefined)).toHaveLength(0)
    expect((await drainSlowly(res.body)).toString()).toBe('body')
    await close(server)
  })

  it("empties undici's raw header array once the headers are parsed, so its views of the socket read can go", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': 4, 'X-Mirror': 'one' })
      res.end('body')
    })
    const port = await listen(server)
    // The array undici parsed the headers from (the one it hands to our handler), as undici publishes it.
    let raw: unknown[] | undefined
    const onHeaders = (m: unknown): void => {
      raw = (m as { response: { headers: unknown[] } }).response.headers
    }
    diagnostics.subscribe('undici:request:headers', onHeaders)
    const res = await httpOpen(`http://127.0.0.1:${port}/f`, { proxy: noProxy }).finally(() =>
      diagnostics.unsubscribe('undici:request:headers', onHeaders)
    )
    // Parsed first: every header is in the answer as a string.
    expect(res.status).toBe(200)
    expect(res.headers['x-mirror']).toBe('one')
    expect(res.headers['content-length']).toBe('4')
    // Then let go: no Buffer (a view of the 64 KiB read that carried it) is left in the array.
    expect(raw).toEqual([])
    expect((await drainSlowly(res.body)).toString()).toBe('body')
    await close(server)
  })
})

describe('a Readable as a response body (local mirrors, tests)', () => {
  it('delivers an error that came before the body was consumed, instead of waiting for ever', async () => {
    const { Readable } = await import('node:stream')
    const { fromReadable } = await import('../../src/main/net/response-body')
    const readable = new Readable({ read() {} })
    const body = fromReadable(readable)
    readable.destroy(new Error('EIO: read failed'))
    await new Promise((r) => setTimeout(r, 10))
    const got = await new Promise<unknown>((resolve) =>
      body.consume({ data: () => undefined, end: () => resolve('ended'), error: resolve })
    )
    expect(String(got)).toContain('EIO: read failed')
  })
})

// The timeouts are longer than the test's own: without the abort nothing could settle these requests in its time.
const NEVER_MS = 600_000

describe('cancellation', () => {
  it('while the proxy sits on CONNECT (no socket handed over yet): rejects with cancelled at once', async () => {
    const held: Socket[] = []
    const silent = net.createServer((s) => void held.push(s))
    const port = await listen(silent)
    const ac = new AbortController()
    const pending = httpGet('https://stream.test/x', {
      proxy: { https_proxy: `http://127.0.0.1:${port}`, no_proxy: '' },
      signal: ac.signal,
      connectTimeoutMs: NEVER_MS,
      stallTimeoutMs: NEVER_MS
    }).catch((e: unknown) => e)
    setTimeout(() => ac.abort(), 100)
    const err = (await pending) as AppError
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('cancelled')
    expect(err.message).toBe('cancelled fetching https://stream.test/x')
    await close(silent, held)
  })

  it('while the server holds back its headers: rejects with cancelled at once', async () => {
    const held: Socket[] = []
    const silent = net.createServer((s) => void held.push(s))
    const port = await listen(silent)
    const ac = new AbortController()
    const pending = httpOpen(`http://127.0.0.1:${port}/slow`, {
      proxy: noProxy,
      signal: ac.signal,
      connectTimeoutMs: NEVER_MS,
      stallTimeoutMs: NEVER_MS
    }).catch((e: unknown) => e)
    setTimeout(() => ac.abort(), 100)
    const err = (await pending) as AppError
    expect(err.code).toBe('cancelled')
    await close(silent, held)
  })
})

describe('https straight to a mirror behind a private CA', () => {
  it('trusts the CA only for requests that give it, even on the same origin right after', async () => {
    const fixtures = join(__dirname, '../support/fixtures')
    const cert = readFileSync(join(fixtures, 'tls-cert.pem'))
    const key = readFileSync(join(fixtures, 'tls-key.pem'))
    const server = https.createServer({ cert, key }, (_req, res) => res.end('private hello'))
    const port = await listen(server)
    const url = `https://127.0.0.1:${port}/p`
    try {
      const ok = await httpGet(url, { proxy: noProxy, ca: cert })
      let text = ''
      for await (const c of ok.body as AsyncIterable<Buffer>) text += c.toString()
      expect(text).toBe('private hello')
      // Its kept-alive connection must not serve a request that did not give the CA.
      const err = (await httpGet(url, { proxy: noProxy }).catch((e: unknown) => e)) as AppError
      expect(err).toBeInstanceOf(AppError)
      expect(err.code).toBe('network')
      expect(err.message).toMatch(
        new RegExp(
          `^network error fetching ${url}: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE) \\(`
        )
      )
    } finally {
      server.closeAllConnections()
      await close(server)
    }
  })
})
