import { mkdir, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cacheMirror, directoryMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer, type MirrorServer } from '../../src/main/serve/mirror-server'
import { parseRange } from '../../src/main/serve/http-range'
import { MAPPED_NAMES_FILE, encodePath } from '../../src/main/staged-tree/name-map'
import { generateStream, type GeneratedStream } from '../support/stream-generator'
import { mirrorLikeSimplestreams, rawGet } from '../support/simplestreams-client'
import { tempDir } from '../import/helpers'
import { AppError } from '@shared/errors'

let tmp: string
let gen: GeneratedStream
let plain: MirrorServer
let mapped: MirrorServer
const PRODUCTS = 'streams/v1/com.ubuntu.maas:stable:v3:download.sjson'

/** Raw HTTP (fetch would normalise '..' away before sending). */
function get(
  base: string,
  path: string,
  opts: { method?: string; range?: string } = {}
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.range ? { Range: opts.range } : {}
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) })
        )
      }
    )
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  tmp = await tempDir('serve-')
  gen = await generateStream({ dir: join(tmp, 'mirror'), scale: 0.0001, releases: ['noble'] })
  plain = await startMirrorServer(await directoryMirror(gen.dir), { port: 0 })
  // A staged stick with mapped names: the marker, the products file under its mapped name, a manifest.
  const stick = join(tmp, 'stick')
  const item = gen.items[0]
  for (const rel of [PRODUCTS, item.path]) {
    await mkdir(join(stick, ...encodePath(rel).split('/').slice(0, -1)), { recursive: true })
    await writeFile(join(stick, ...encodePath(rel).split('/')), await readFile(join(gen.dir, rel)))
  }
  await writeFile(join(stick, MAPPED_NAMES_FILE), 'mapped')
  await writeFile(join(stick, 'README.txt'), 'hello')
  await writeFile(
    join(stick, 'maas-images-stage.json'),
    JSON.stringify({
      format: 'maas-images-stage:1',
      documents: [PRODUCTS],
      items: [{ path: item.path, sha256: item.sha256, size: item.size }]
    })
  )
  mapped = await startMirrorServer(await directoryMirror(stick), { port: 0 })
})

afterAll(async () => {
  await plain?.close()
  await mapped?.close()
  await rm(tmp, { recursive: true, force: true })
  await rm(gen.keyringPath, { force: true })
})

describe('serve', () => {
  it('binds to loopback by default', () => {
    expect(plain.address).toBe('127.0.0.1')
    expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  })

  it('serves signed metadata and items under upstream names with exact Content-Length and Content-Type', async () => {
    const want = await readFile(join(gen.dir, PRODUCTS))
    for (const path of [`/${PRODUCTS}`, `/${PRODUCTS.replace(/:/g, '%3A')}`]) {
      const r = await get(plain.url, path)
      expect(r.status).toBe(200)
      expect(r.headers['content-length']).toBe(String(want.length))
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(r.headers['accept-ranges']).toBe('bytes')
      expect(r.body.equals(want)).toBe(true)
    }
    const item = gen.items.find((i) => i.size > 100)!
    const r = await get(plain.url, `/${item.path}`)
    expect(r.headers['content-type']).toBe('application/octet-stream')
    expect(r.body.equals(await readFile(join(gen.dir, item.path)))).toBe(true)
    const head = await get(plain.url, `/${item.path}`, { method: 'HEAD' })
    expect(head).toMatchObject({ status: 200, body: Buffer.alloc(0) })
    expect(head.headers['content-length']).toBe(String(item.size))
  })

  it('answers Range with 206 and the exact bytes, an invalid range with 200, an unsatisfiable one with 416', async () => {
    const item = gen.items.find((i) => i.size > 100)!
    const whole = await readFile(join(gen.dir, item.path))
    const r = await get(plain.url, `/${item.path}`, { range: 'bytes=10-19' })
    expect(r.status).toBe(206)
    expect(r.headers['content-range']).toBe(`bytes 10-19/${item.size}`)
    expect(r.headers['content-length']).toBe('10')
    expect(r.body.equals(whole.subarray(10, 20))).toBe(true)
    const tail = await get(plain.url, `/${item.path}`, { range: 'bytes=-7' })
    expect(tail.status).toBe(206)
    expect(tail.body.equals(whole.subarray(whole.length - 7))).toBe(true)
    const open = await get(plain.url, `/${item.path}`, { range: `bytes=${item.size - 3}-` })
    expect(open.body.equals(whole.subarray(item.size - 3))).toBe(true)
    // An invalid range (last before first) is ignored, as RFC 9110 says: 200 and the whole body.
    const backwards = await get(plain.url, `/${item.path}`, { range: 'bytes=5-3' })
    expect(backwards.status).toBe(200)
    expect(backwards.headers['content-range']).toBeUndefined()
    expect(backwards.headers['content-length']).toBe(String(item.size))
    expect(backwards.body.equals(whole)).toBe(true)
    const bad = await get(plain.url, `/${item.path}`, { range: `bytes=${item.size}-` })
    expect(bad.status).toBe(416)
    expect(bad.headers['content-range']).toBe(`bytes */${item.size}`)
  })

  it('is read-only and answers 404 for anything outside the mirror', async () => {
    const post = await get(plain.url, `/${PRODUCTS}`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD')
    expect((await get(plain.url, `/${PRODUCTS}`, { method: 'DELETE' })).status).toBe(405)
    for (const path of [
      '/../mirror/streams/v1/index.sjson',
      '/streams/..%2F..%2Fetc%2Fpasswd',
      '/nope',
      '/streams',
      '/',
      '/%E0%A4%A'
    ]) {
      expect((await get(plain.url, path)).status, path).toBe(404)
    }
  })

  it('maps a staged stick’s names back: upstream names only, and only what the stick staged', async () => {
    const want = await readFile(join(gen.dir, PRODUCTS))
    const r = await get(mapped.url, `/${PRODUCTS}`)
    expect(r.status).toBe(200)
    expect(r.body.equals(want)).toBe(true)
    // The stick's own (mapped) name, sent literally ('%' as %25), is not an upstream name.
    expect((await get(mapped.url, `/${encodePath(PRODUCTS).replace(/%/g, '%25')}`)).status).toBe(404)
    expect((await get(mapped.url, '/README.txt')).status).toBe(404)
    expect((await get(mapped.url, `/${MAPPED_NAMES_FILE}`)).status).toBe(404)
    expect((await get(mapped.url, `/${gen.items[0].path}`)).status).toBe(200)
  })

  it('refuses to serve a cache that has no complete import, naming why', async () => {
    const source = {
      id: 1,
      url: 'http://127.0.0.1:9/',
      keyring_filename: gen.keyringPath,
      keyring_data: '',
      created: '',
      updated: ''
    }
    const refused = await cacheMirror(join(tmp, 'empty-data'), source).catch((e: AppError) => e)
    expect(refused).toBeInstanceOf(AppError)
    // the next step in words, the missing file only in the detail
    expect((refused as AppError).message).toBe(
      'boot source 1 has no complete import yet: sync its images first (Sync on the Images page, or maas-images boot-resources import)'
    )
    expect((refused as AppError).detail).toMatch(/empty-data.*manifest\.json does not exist$/)
  })

  it('is what python-simplestreams (sstream-mirror --max=1) reads: GETs only, every index entry resolves, items at upstream paths, exact lengths', async () => {
    const run = await mirrorLikeSimplestreams(plain.url, await readFile(gen.keyringPath))
    // Every products document the index names is there and signed.
    expect(run.documents.sort()).toEqual(gen.documents.filter((d) => d.endsWith('.sjson')).sort())
    // The newest version of every product, each item at its upstream path, byte for byte.
    const newest = new Map<string, string>()
    for (const it of gen.items)
      if ((newest.get(it.product) ?? '') < it.version) newest.set(it.product, it.version)
    const want = gen.items.filter((it) => newest.get(it.product) === it.version)
    expect(run.items.map((i) => `${i.path} ${i.sha256}`).sort()).toEqual(
      want.map((i) => `${i.path} ${i.sha256}`).sort()
    )
    for (const r of run.requests) {
      expect(r.method).toBe('GET')
      expect(r.status, r.path).toBe(200)
      // Asked for gzip/deflate, answered as is: Content-Length is the body sent.
      expect(r.contentEncoding).toBeNull()
      expect(r.contentLength, r.path).toBe(r.bodyLength)
    }
    // The products paths went out with ':' as is, as requests sends them.
    expect(run.requests.some((r) => r.path === PRODUCTS)).toBe(true)
  })

  it('lets python-simplestreams resume a .part file, even one already whole (416 carries no body)', async () => {
    const item = gen.items.find((i) => i.size > 100)!
    const whole = await readFile(join(gen.dir, item.path))
    for (const partSize of [0, 37, item.size]) {
      // sstream-mirror appends the answer's body to the part, whatever the status.
      const { req, body } = await rawGet(plain.url, item.path, { Range: `bytes=${partSize}-` })
      expect(req.status).toBe(partSize === item.size ? 416 : 206)
      expect(req.contentLength).toBe(req.bodyLength)
      expect(Buffer.concat([whole.subarray(0, partSize), body]).equals(whole), `part of ${partSize}`).toBe(
        true
      )
    }
  })

  it('answers HEAD with the headers of GET and no body, for documents and items alike', async () => {
    for (const path of ['streams/v1/index.sjson', PRODUCTS, gen.items[0].path]) {
      const got = await rawGet(plain.url, path)
      const head = await rawGet(plain.url, path, {}, 'HEAD')
      expect(head.req.status).toBe(200)
      expect(head.req.bodyLength).toBe(0)
      expect(head.req.contentLength).toBe(got.req.bodyLength)
    }
  })

  it('closes every file it opened: after GET, HEAD, 416 and a client that hangs up mid-body', async () => {
    const item = gen.items.reduce((a, b) => (b.size > a.size ? b : a))
    const file = join(gen.dir, item.path)
    const openCopies = async (): Promise<number> => {
      let n = 0
      for (const fd of await readdir('/proc/self/fd'))
        if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === file) n++
      return n
    }
    for (let i = 0; i < 5; i++) {
      await get(plain.url, `/${item.path}`)
      await get(plain.url, `/${item.path}`, { method: 'HEAD' })
      await get(plain.url, `/${item.path}`, { range: `bytes=${item.size}-` })
      await get(plain.url, `/${item.path}`, { range: 'bytes=5-3' })
    }
    // A client that reads one chunk and hangs up.
    await new Promise<void>((resolve, reject) => {
      const u = new URL(plain.url)
      const req = request({ host: u.hostname, port: u.port, path: `/${item.path}` }, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)))
      req.end()
    })
    // Closing a handle completes on the thread pool: give its callbacks turns, without a clock.
    let left = await openCopies()
    for (let turns = 0; left > 0 && turns < 2000; turns++) {
      await new Promise((r) => setImmediate(r))
      if (turns % 50 === 49) left = await openCopies()
    }
    expect(await openCopies()).toBe(0)
  })

  it('names a port already in use and says what to do', async () => {
    await expect(startMirrorServer(await directoryMirror(gen.dir), { port: plain.port })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${plain.port}: port ${plain.port} is already in use; choose another port`
    )
  })

  it('parses single byte ranges', () => {
    expect(parseRange(undefined, 100)).toBeNull()
    expect(parseRange('bytes=0-0', 100)).toEqual({ start: 0, end: 0 })
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-200', 100)).toEqual({ start: 0, end: 99 })
    // Last before first is an invalid range, which RFC 9110 says to ignore: the whole body, not a 416.
    expect(parseRange('bytes=5-2', 100)).toBeNull()
    expect(parseRange('bytes=200-100', 100)).toBeNull()
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull()
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable')
  })
})
