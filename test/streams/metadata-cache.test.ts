import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadCachedStream, readStream } from '../../src/main/streams/read-stream'
import { buildCatalogue } from '../../src/main/streams/catalogue'
import { streamFixture, type StreamFixture } from '../support/stream-fixture'
import { productsBase, rewriteDocument } from '../support/stream-generator'

let fx: StreamFixture | undefined
let cacheDir: string | undefined
afterEach(async () => {
  await fx?.cleanup()
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true })
  fx = undefined
  cacheDir = undefined
})

describe('metadata cache', () => {
  it('revalidates with conditional requests: an unchanged stream costs only 304s', async () => {
    fx = await streamFixture()
    cacheDir = await mkdtemp(join(tmpdir(), 'meta-cache-'))
    const opts = { url: fx.server.url, keyring: fx.keyring, proxy: fx.direct, metadataCacheDir: cacheDir }
    const first = await readStream(opts)
    const firstBytes = fx.server.stats.bytesServed
    expect(firstBytes).toBeGreaterThan(0)

    fx.server.resetStats()
    const second = await readStream(opts)
    expect(fx.server.stats.requests).toBe(4)
    expect(fx.server.stats.bytesServed).toBe(0)
    expect(second.documents.map((d) => d.raw)).toEqual(first.documents.map((d) => d.raw))
    expect(buildCatalogue(second)).toEqual(buildCatalogue(first))
  })

  it('fetches a changed document again and refreshes the cache', async () => {
    fx = await streamFixture()
    cacheDir = await mkdtemp(join(tmpdir(), 'meta-cache-'))
    const opts = { url: fx.server.url, keyring: fx.keyring, proxy: fx.direct, metadataCacheDir: cacheDir }
    await readStream(opts)
    const base = productsBase(fx.stream.contentIds.centos)
    // mtime granularity: make sure the validators change
    await new Promise((r) => setTimeout(r, 1100))
    await rewriteDocument(fx.stream, base, (doc) => void (doc.updated = 'Fri, 25 Jul 2025 08:00:00 +0000'))
    fx.server.resetStats()
    const again = await readStream(opts)
    expect(fx.server.stats.byPath.get(`/${base}.sjson`)!.bytes).toBeGreaterThan(0)
    expect(fx.server.stats.byPath.get('/streams/v1/index.sjson')!.bytes).toBe(0)
    expect(again.documents.find((d) => d.path === `${base}.sjson`)!.raw.toString()).toContain(
      'Fri, 25 Jul 2025'
    )
  })

  it('re-verifies the cached stream offline, byte for byte', async () => {
    fx = await streamFixture()
    cacheDir = await mkdtemp(join(tmpdir(), 'meta-cache-'))
    const online = await readStream({
      url: fx.server.url,
      keyring: fx.keyring,
      proxy: fx.direct,
      metadataCacheDir: cacheDir
    })
    const url = fx.server.url
    await fx.server.close()
    const offline = await loadCachedStream(cacheDir, url, fx.keyring)
    expect(offline.verified).toBe(true)
    expect(offline.documents.map((d) => [d.path, d.url, d.raw])).toEqual(
      online.documents.map((d) => [d.path, d.url, d.raw])
    )
    expect(offline.products).toEqual(online.products)
    fx.server.close = async () => undefined
  })

  it('says so when nothing is cached for a source', async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'meta-cache-'))
    await expect(loadCachedStream(cacheDir, 'http://mirror.example/stable/', {})).rejects.toMatchObject({
      code: 'not_found',
      message: 'no cached metadata for http://mirror.example/stable/'
    })
  })

  it('concurrent readers of one source do not break each other’s cache writes', async () => {
    fx = await streamFixture()
    cacheDir = await mkdtemp(join(tmpdir(), 'meta-cache-'))
    const opts = { url: fx.server.url, keyring: fx.keyring, proxy: fx.direct, metadataCacheDir: cacheDir }
    // The app's catalogue and an import read the same source at once.
    const results = await Promise.all(Array.from({ length: 6 }, () => readStream(opts)))
    for (const r of results) expect(r.documents).toHaveLength(4)
    const cached = await loadCachedStream(cacheDir, fx.server.url, fx.keyring)
    expect(buildCatalogue(cached)).toEqual(buildCatalogue(results[0]))
  })
})
