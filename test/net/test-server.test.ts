import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRange, startTestServer, type TestServer } from '../support/test-server'

/** the test's own folder: the served root and, beside it, a file a path escape would reach */
let parent: string
let root: string
let server: TestServer
const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff))

function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET'
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; error?: Error }> {
  return new Promise((resolve, reject) => {
    // Raw path on purpose: new URL() would normalise the ../ that the escape tests need to send.
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: `/${path}`, method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) })
        )
        res.on('error', (error) =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), error })
        )
      }
    )
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'ts-'))
  root = join(parent, 'root')
  await mkdir(join(root, 'payload'), { recursive: true })
  await mkdir(join(root, 'streams/v1'), { recursive: true })
  await writeFile(join(root, 'payload/blob'), data)
  await writeFile(join(root, 'streams/v1/index.json'), '{}')
  await writeFile(join(parent, 'outside-secret'), 'secret')
  server = await startTestServer({ root })
})
afterAll(async () => {
  await server.close()
  await rm(parent, { recursive: true, force: true })
})

describe('test server', () => {
  it('parses single ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull()
  })

  it('serves a Range with 206 and Content-Range', async () => {
    const r = await get('payload/blob', { Range: 'bytes=1000-1999' })
    expect(r.status).toBe(206)
    expect(r.headers['content-range']).toBe(`bytes 1000-1999/${data.length}`)
    expect(r.body.equals(data.subarray(1000, 2000))).toBe(true)
    const tail = await get('payload/blob', { Range: `bytes=${data.length - 5}-` })
    expect(tail.body.equals(data.subarray(data.length - 5))).toBe(true)
  })

  it('answers 416 for an unsatisfiable range', async () => {
    const r = await get('payload/blob', { Range: `bytes=${data.length}-` })
    expect(r.status).toBe(416)
    expect(r.headers['content-range']).toBe(`bytes */${data.length}`)
  })

  it('supports ETag/Last-Modified revalidation and HEAD', async () => {
    const full = await get('payload/blob')
    expect(full.body.equals(data)).toBe(true)
    const etag = String(full.headers.etag)
    expect((await get('payload/blob', { 'If-None-Match': etag })).status).toBe(304)
    expect(
      (await get('payload/blob', { 'If-Modified-Since': String(full.headers['last-modified']) })).status
    ).toBe(304)
    const head = await get('payload/blob', {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(Number(head.headers['content-length'])).toBe(data.length)
    expect(head.body.length).toBe(0)
  })

  it('refuses paths that escape the root', async () => {
    expect((await get('../outside-secret')).status).toBe(403)
    expect((await get('%2e%2e/outside-secret')).status).toBe(403)
    expect((await get('payload%5c..%5cblob')).status).toBe(400)
  })

  it('roughly honours the per-connection rate cap', async () => {
    server.options.rateBytesPerSec = 400_000
    const t0 = Date.now()
    const r = await get('payload/blob')
    const secs = (Date.now() - t0) / 1000
    server.options.rateBytesPerSec = undefined
    expect(r.body.length).toBe(data.length)
    // 200 kB at 400 kB/s is 0.5 s minus the initial burst (0.1 s worth). Load only slows it: the upper bound is
    // for a throttle gone wrong (waits in seconds, not milliseconds, would take 20 s), not for timing.
    expect(secs).toBeGreaterThan(0.3)
    expect(secs).toBeLessThan(10)
  })

  it('hang: a response sends its headers and no body byte until released, then the rest', async () => {
    server.options.hang = true
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
        http.get({ host: '127.0.0.1', port: server.port, path: '/payload/blob', agent: false }, resolve).on(
          'error',
          reject
        )
      )
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-length']).toBe(String(data.length))
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      const ended = new Promise((r) => res.on('end', r))
      // Unhung, the whole body comes in one go; load can only make fewer bytes arrive, never more.
      await new Promise((r) => setTimeout(r, 300))
      expect(Buffer.concat(chunks).length).toBe(0)
      server.options.hang = false
      await ended
      expect(Buffer.concat(chunks).equals(data)).toBe(true)
    } finally {
      server.options.hang = undefined
    }
  })

  it('cuts every Nth payload response half way, but never metadata', async () => {
    server.options.cutEveryNth = 2
    const first = await get('payload/blob')
    const second = await get('payload/blob')
    const meta1 = await get('streams/v1/index.json')
    const meta2 = await get('streams/v1/index.json')
    server.options.cutEveryNth = undefined
    expect(first.body.length).toBe(data.length)
    expect(second.error).toBeDefined()
    expect(second.body.length).toBeLessThan(data.length)
    expect(second.body.length).toBeGreaterThan(0)
    expect(second.body.equals(data.subarray(0, second.body.length))).toBe(true)
    expect(meta1.status).toBe(200)
    expect(meta2.body.toString()).toBe('{}')
  })

  it('corrupts a byte on request and counts bytes served', async () => {
    server.resetStats()
    server.options.faults = { '/payload/blob': { corruptAt: 10 } }
    const r = await get('payload/blob')
    server.options.faults = {}
    expect(r.body[10]).toBe(data[10] ^ 0xff)
    expect(r.body.subarray(11).equals(data.subarray(11))).toBe(true)
    expect(server.stats.bytesServed).toBe(data.length)
    expect(server.stats.byPath.get('/payload/blob')).toEqual({ requests: 1, bytes: data.length })
    const stats = JSON.parse((await get('__stats')).body.toString())
    expect(stats.bytesServed).toBe(data.length)
  })
})

describe('standalone test server', () => {
  it('prints its URL, serves files and exposes served bytes on /__stats', async () => {
    const { spawn } = await import('node:child_process')
    const cli = join(__dirname, '../support/test-server-cli.ts')
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--root', root, '--latency', '1'], {
      cwd: join(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe']
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          if (out.includes('\n')) resolve(out.split('\n')[0])
        })
        child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)))
      })
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      const body = await fetch(`${url}payload/blob`).then((r) => r.arrayBuffer())
      expect(Buffer.from(body).equals(data)).toBe(true)
      const stats = (await fetch(`${url}__stats`).then((r) => r.json())) as { bytesServed: number }
      expect(stats.bytesServed).toBe(data.length)
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
  })
})
