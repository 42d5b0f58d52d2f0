/**
 * readCatalogue / loadCachedCatalogue (the Images screen) and checkStream (Connect) read a stream without
 * expanding it. They must give the catalogue buildCatalogue(readStream(...)) gives, with the same verified
 * documents, and refuse every stream readStream refuses, with the same error.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { buildCatalogue } from '../../src/main/streams/catalogue'
import { checkStream, loadCachedCatalogue, readCatalogue } from '../../src/main/streams/read-catalogue'
import { loadCachedStream, readStream, type ReadStreamOptions } from '../../src/main/streams/read-stream'
import { streamFixture, type StreamFixture } from '../support/stream-fixture'
import { productsBase, rewriteDocument, tamperSignedFile } from '../support/stream-generator'

type Json = Record<string, unknown>

type Products = Record<string, { versions: Record<string, { items: Record<string, Json> }> }>

function optsOf(f: StreamFixture, extra: Partial<ReadStreamOptions> = {}): ReadStreamOptions {
  return { url: f.server.url, keyring: f.keyring, proxy: f.direct, ...extra }
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => new Error('expected a failure'),
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AppError)
  return { code: (err as AppError).code, message: (err as AppError).message }
}

describe('readCatalogue gives what buildCatalogue(readStream) gives', () => {
  let plain: StreamFixture
  let condensed: StreamFixture
  let cacheRoot: string
  beforeAll(async () => {
    plain = await streamFixture({ versionsPerProduct: 3, extraProducts: 40 })
    condensed = await streamFixture({ versionsPerProduct: 3, condensed: true })
    cacheRoot = await mkdtemp(join(tmpdir(), 'catalogue-cache-'))
  })
  afterAll(async () => {
    await plain.cleanup()
    await condensed.cleanup()
    await rm(cacheRoot, { recursive: true, force: true })
  })

  it.each([
    ['a signed stream of three versions per product', () => optsOf(plain)],
    ['its condensed form', () => optsOf(condensed)],
    [
      'the unsigned (.json) policy',
      () => ({ url: `${plain.server.url}streams/v1/index.json`, proxy: plain.direct })
    ]
  ])('%s: same entries, same verified documents', async (_, opts) => {
    const full = await readStream(opts())
    const cat = await readCatalogue(opts())
    expect(cat.entries.length).toBeGreaterThan(10)
    expect(cat.entries).toEqual(buildCatalogue(full))
    expect(cat.verified).toBe(full.verified)
    expect(cat.rootUrl).toBe(full.rootUrl)
    expect(cat.documents).toEqual(full.documents)
  })

  it('fills the metadata cache as readStream does, and reads the catalogue back from it offline', async () => {
    const cacheDir = join(cacheRoot, 'one')
    const online = await readCatalogue(optsOf(plain, { metadataCacheDir: cacheDir }))
    const offline = await loadCachedCatalogue(cacheDir, plain.server.url, plain.keyring)
    expect(offline.entries).toEqual(online.entries)
    expect(offline.entries).toEqual(
      buildCatalogue(await loadCachedStream(cacheDir, plain.server.url, plain.keyring))
    )
    expect(offline.documents.map((d) => d.signature)).toEqual(online.documents.map((d) => d.signature))
  })

  it('checkStream writes nothing, and what it verified, saved later, is the cache a read would have written', async () => {
    const viaRead = join(cacheRoot, 'by-read')
    const viaConnect = join(cacheRoot, 'by-connect')
    await readCatalogue(optsOf(plain, { metadataCacheDir: viaRead }))
    // Even when handed a cache directory, Connect leaves it alone: its source may never be saved.
    const checked = await checkStream(optsOf(plain, { metadataCacheDir: viaConnect }))
    await expect(readdir(viaConnect)).rejects.toThrow(/ENOENT/)
    await checked.saveTo(viaConnect)
    const fromConnect = await loadCachedCatalogue(viaConnect, plain.server.url, plain.keyring)
    const fromRead = await loadCachedCatalogue(viaRead, plain.server.url, plain.keyring)
    expect(fromConnect.entries).toEqual(fromRead.entries)
    expect(fromConnect.documents).toEqual(fromRead.documents)
    // The validators came along: the next read of that cache asks with them and every document answers 304.
    plain.server.resetStats()
    await readCatalogue(optsOf(plain, { metadataCacheDir: viaConnect }))
    expect(plain.server.stats.requests).toBeGreaterThan(0)
    expect(plain.server.stats.bytesServed).toBe(0)
  })
})

describe('readCatalogue and checkStream refuse what readStream refuses', () => {
  let fx: StreamFixture | undefined
  afterEach(async () => {
    await fx?.cleanup()
    fx = undefined
  })

  /** The error of all three readers on the same stream: equal, and returned for the case's own checks. */
  async function sameRefusal(f: StreamFixture, extra: Partial<ReadStreamOptions> = {}) {
    const full = await errorOf(readStream(optsOf(f, extra)))
    expect(await errorOf(readCatalogue(optsOf(f, extra)))).toEqual(full)
    expect(await errorOf(checkStream(optsOf(f, extra)))).toEqual(full)
    return full
  }

  /** Rewrites (and re-signs) one item of the Ubuntu products file, in its oldest version. */
  async function changeOldestItem(
    f: StreamFixture,
    change: (item: Json, version: Json) => void
  ): Promise<void> {
    await rewriteDocument(f.stream, productsBase(f.stream.contentIds.ubuntu), (doc) => {
      const product = Object.values(doc.products as Products)[0]
      const serials = Object.keys(product.versions).sort()
      const version = product.versions[serials[0]]
      change(Object.values(version.items)[0], version as unknown as Json)
    })
  }

  it.each([
    [
      'a bad sha256 in a version that is not the latest',
      (it: Json) => void (it.sha256 = 'not hex'),
      /is not a valid sha256 digest$/
    ],
    [
      'an unsafe path in a version that is not the latest',
      (it: Json) => void (it.path = '../../etc/passwd'),
      /unsafe path/
    ],
    ['an item without size', (it: Json) => void delete it.size, /item has no size$/],
    ['an item without checksum', (it: Json) => void delete it.sha256, /item has no checksum/],
    ['a size that is no byte count', (it: Json) => void (it.size = -3), /is not a byte count$/],
    [
      'an unsafe path inherited from the version',
      (it: Json, v: Json) => {
        delete it.path
        v.path = '/etc/passwd'
      },
      /unsafe path "\/etc\/passwd"/
    ]
  ])('%s', async (_, change, message) => {
    fx = await streamFixture({ versionsPerProduct: 2 })
    await changeOldestItem(fx, change)
    const err = await sameRefusal(fx)
    expect(err.message).toMatch(message)
  })

  it('an item named __proto__ (which the expanded item map cannot hold)', async () => {
    fx = await streamFixture()
    await rewriteDocument(fx.stream, productsBase(fx.stream.contentIds.ubuntu), (doc) => {
      const product = Object.values(doc.products as Products)[0]
      const items = Object.values(product.versions)[0].items
      Object.defineProperty(items, '__proto__', { value: { ...Object.values(items)[0] }, enumerable: true })
    })
    const err = await sameRefusal(fx)
    expect(err.message).toMatch(/item __proto__: the name "__proto__" is not allowed$/)
  })

  it('a tampered products file', async () => {
    fx = await streamFixture()
    await tamperSignedFile(join(fx.stream.dir, `${productsBase(fx.stream.contentIds.ubuntu)}.sjson`))
    expect((await sameRefusal(fx)).code).toBe('signature')
  })

  it('metadata over the per-document size limit', async () => {
    fx = await streamFixture()
    expect((await sameRefusal(fx, { maxMetadataBytes: 4000 })).message).toMatch(/4000|KiB|KB|bytes/)
  })
})
