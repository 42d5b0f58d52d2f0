import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import https from 'node:https'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/main/net/limits'
import { httpError, httpGet } from '../../src/main/net/request'
import { startTestServer, type TestServer } from '../support/test-server'
import { startForwardProxy } from '../support/forward-proxy'

async function text(res: { body: NodeJS.ReadableStream }): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of res.body as AsyncIterable<Buffer>) chunks.push(c)
  return Buffer.concat(chunks).toString()
}

let root: string
let server: TestServer
const noProxy = { http_proxy: '', https_proxy: '', no_proxy: '*' }

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'net-'))
  await mkdir(join(root, 'a'), { recursive: true })
  await writeFile(join(root, 'a/hello.txt'), 'hello world\n')
  server = await startTestServer({ root })
})
afterAll(async () => {
  await server.close()
  await rm(root, { recursive: true, force: true })
})

describe('httpGet', () => {
  it('fetches a file and reports the final URL', async () => {
    const res = await httpGet(`${server.url}a/hello.txt`, { proxy: noProxy })
    expect(res.status).toBe(200)
    expect(res.url).toBe(`${server.url}a/hello.txt`)
    expect(await text(res)).toBe('hello world\n')
  })

  it('returns non-2xx without throwing, and httpError names status and URL', async () => {
    const res = await httpGet(`${server.url}a/missing`, { proxy: noProxy })
    expect(res.status).toBe(404)
    const err = httpError(res)
    expect(err.code).toBe('http_status')
    expect(err.message).toBe(`HTTP 404 Not Found fetching ${server.url}a/missing`)
  })

  it('follows relative redirects', async () => {
    server.options.faults = { '/r1': { redirectTo: 'a/hello.txt' } }
    const res = await httpGet(`${server.url}r1`, { proxy: noProxy })
    expect(res.url).toBe(`${server.url}a/hello.txt`)
    expect(await text(res)).toBe('hello world\n')
  })

  it('stops after 5 redirects with a message naming the URL', async () => {
    const faults: Record<string, { redirectTo: string }> = {}
    for (let i = 0; i < 7; i++) faults[`/hop${i}`] = { redirectTo: `/hop${i + 1}` }
    server.options.faults = faults
    await expect(httpGet(`${server.url}hop0`, { proxy: noProxy })).rejects.toThrow(
      `too many redirects (more than 5) fetching ${server.url}hop0`
    )
    // exactly 5 hops is fine
    faults['/hop4'] = { redirectTo: '/a/hello.txt' }
    const ok = await httpGet(`${server.url}hop0`, { proxy: noProxy })
    expect(ok.status).toBe(200)
    ok.body.destroy()
  })

  it('detects a redirect loop', async () => {
    server.options.faults = { '/loop': { redirectTo: '/loop' } }
    const err = await httpGet(`${server.url}loop`, { proxy: noProxy }).catch((e: AppError) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('network')
    expect((err as AppError).message).toMatch(/too many redirects \(more than 5\)/)
  })

  it('refuses a redirect to file:', async () => {
    server.options.faults = { '/evil': { redirectTo: 'file:///etc/passwd' } }
    await expect(httpGet(`${server.url}evil`, { proxy: noProxy })).rejects.toThrow(
      /refusing redirect to file: URL file:\/\/\/etc\/passwd/
    )
  })

  it('names the URL and ECONNREFUSED when nothing listens', async () => {
    const probe = http.createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const err = (await httpGet(`http://127.0.0.1:${port}/x`, { proxy: noProxy }).catch((e) => e)) as AppError
    expect(err.code).toBe('network')
    expect(err.message).toContain(`http://127.0.0.1:${port}/x`)
    expect(err.message).toContain('ECONNREFUSED')
  })

  it('aborts a stalled body with "stalled for N s"', async () => {
    const s = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': 100 })
      res.write('partial')
      // never finishes
    })
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/slow`
    const res = await httpGet(url, { proxy: noProxy, stallTimeoutMs: 300, agent: 'none' })
    const err = (await text(res).catch((e) => e)) as AppError
    expect(err.code).toBe('network')
    expect(err.message).toMatch(new RegExp(`stalled for \\d+ s fetching ${url}`))
    s.closeAllConnections()
    await new Promise<void>((r) => s.close(() => r()))
  })

  it('reports a connection cut mid-body as a network error naming the URL', async () => {
    const s = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': 1000 })
      res.write('x'.repeat(10), () => res.socket?.destroy())
    })
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/cut`
    const res = await httpGet(url, { proxy: noProxy })
    const err = (await text(res).catch((e) => e)) as AppError
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('network')
    expect(err.message).toContain(url)
    await new Promise<void>((r) => s.close(() => r()))
  })

  it('can be cancelled with an AbortSignal', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(httpGet(`${server.url}a/hello.txt`, { signal: ac.signal })).rejects.toMatchObject({
      code: 'cancelled'
    })
  })
})

describe('httpGet through a proxy', () => {
  it('sends http requests to the proxy as absolute URIs', async () => {
    server.options.faults = {}
    const proxy = await startForwardProxy({ port: server.port })
    try {
      // stream.test does not resolve: the response can only come through the proxy.
      const res = await httpGet('http://stream.test/a/hello.txt', {
        proxy: { http_proxy: proxy.url, no_proxy: '' }
      })
      expect(await text(res)).toBe('hello world\n')
      expect(proxy.log).toEqual(['GET http://stream.test/a/hello.txt'])
    } finally {
      await proxy.close()
    }
  })

  it('tunnels https with CONNECT and verifies TLS end to end', async () => {
    const fixtures = join(__dirname, '../support/fixtures')
    const cert = await readFile(join(fixtures, 'tls-cert.pem'))
    const key = await readFile(join(fixtures, 'tls-key.pem'))
    const tlsServer = https.createServer({ cert, key }, (_req, res) => res.end('secret hello'))
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r))
    const tlsPort = (tlsServer.address() as AddressInfo).port
    const proxy = await startForwardProxy({ port: server.port, tlsPort })
    try {
      const res = await httpGet('https://stream.test/secure', {
        proxy: { https_proxy: proxy.url, no_proxy: '' },
        ca: cert
      })
      expect(res.status).toBe(200)
      expect(await text(res)).toBe('secret hello')
      expect(proxy.log).toEqual(['CONNECT stream.test:443'])
    } finally {
      await proxy.close()
      tlsServer.closeAllConnections()
      await new Promise<void>((r) => tlsServer.close(() => r()))
    }
  })

  it('bypasses the proxy for no_proxy hosts', async () => {
    const proxy = await startForwardProxy({ port: server.port })
    try {
      const res = await httpGet(`${server.url}a/hello.txt`, {
        proxy: { http_proxy: proxy.url, no_proxy: 'localhost' }
      })
      expect(await text(res)).toBe('hello world\n')
      expect(proxy.log).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it('names the proxy when it cannot be reached', async () => {
    const err = (await httpGet('http://stream.test/x', {
      proxy: { http_proxy: 'http://127.0.0.1:1', no_proxy: '' }
    }).catch((e) => e)) as AppError
    expect(err.code).toBe('network')
    expect(err.message).toContain('cannot reach the proxy http://127.0.0.1:1 to fetch http://stream.test/x')
    expect(err.message).toContain('ECONNREFUSED')
  })
})

describe('timeouts', () => {
  it('gives up on a proxy that accepts but never answers CONNECT ("connect timeout")', async () => {
    const held: net.Socket[] = []
    const silent = net.createServer((sock) => void held.push(sock))
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const port = (silent.address() as AddressInfo).port
    const t0 = Date.now()
    const err = (await httpGet('https://stream.test/x', {
      proxy: { https_proxy: `http://127.0.0.1:${port}`, no_proxy: '' },
      connectTimeoutMs: 300
    }).catch((e) => e)) as AppError
    expect(err.code).toBe('network')
    expect(err.message).toBe(
      `connect timeout after 0.3 s fetching https://stream.test/x via proxy http://127.0.0.1:${port}`
    )
    // The 300 ms given ended it, not the default (the message is built from the same option).
    expect(Date.now() - t0).toBeLessThan(DEFAULT_CONNECT_TIMEOUT_MS / 2)
    for (const sock of held) sock.destroy()
    await new Promise<void>((r) => silent.close(() => r()))
  })

  it('aborts when response headers never come ("stalled")', async () => {
    const s = http.createServer(() => undefined)
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/hang`
    const err = (await httpGet(url, { proxy: noProxy, stallTimeoutMs: 300, agent: 'none' }).catch(
      (e) => e
    )) as AppError
    expect(err.code).toBe('network')
    expect(err.message).toMatch(new RegExp(`^stalled for \\d+ s fetching ${url}$`))
    s.closeAllConnections()
    await new Promise<void>((r) => s.close(() => r()))
  })
})
