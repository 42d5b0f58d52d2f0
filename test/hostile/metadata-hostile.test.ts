/**
 * Hostile mirrors served on loopback: each case breaks or forges the metadata one way and checks the error's
 * words, that nothing unverified reached the metadata cache, and that the work done stayed bounded.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkStream } from '../../src/main/streams/read-catalogue'
import { readStream } from '../../src/main/streams/read-stream'
import { verifyMirror } from '../../src/main/streams/verify-mirror'
import {
  createTestKey,
  rewriteDocument,
  tamperSignedFile,
  writeSignedDocument
} from '../support/stream-generator'
import {
  hostileMirror,
  startEndlessItemServer,
  writeIndex,
  type EndlessServer,
  type HostileMirror
} from './hostile-mirror'

let m: HostileMirror | undefined
let endless: EndlessServer | undefined
afterEach(async () => {
  await endless?.close()
  await m?.cleanup()
  m = endless = undefined
})

const read = (mirror: HostileMirror, extra: Partial<Parameters<typeof readStream>[0]> = {}) =>
  readStream({
    url: mirror.server.url,
    keyring: mirror.keyring,
    proxy: mirror.direct,
    metadataCacheDir: mirror.cacheDir,
    ...extra
  })

describe('hostile metadata over http', () => {
  it('refuses a document over the per-document cap, naming it, and caches nothing', async () => {
    m = await hostileMirror()
    await expect(read(m, { maxMetadataBytes: 2048 })).rejects.toThrow(
      new RegExp(
        `metadata over 2 KiB: ${m.server.url}streams/v1/com\\.ubuntu\\.maas:stable:v3:download\\.sjson`
      )
    )
    expect(await m.cachedFiles()).toEqual([])
  })

  it('fetches a products file named 200 times by the index once', async () => {
    m = await hostileMirror()
    const path = `${m.ubuntuBase}.sjson`
    await writeIndex(
      m,
      Array.from({ length: 200 }, (_, i): [string, string] => [`com.example:dup:${i}`, path])
    )
    const stream = await read(m)
    const served = m.server.stats.byPath.get(`/${path}`)
    expect(served?.requests).toBe(1)
    expect(stream.documents.map((d) => d.path)).toEqual(['streams/v1/index.sjson', path])
    // Products are listed once, not 300 times.
    expect(new Set(stream.products.map((p) => p.product_name)).size).toBe(stream.products.length)
  })

  it('refuses an index with 300 entries (one products file named 300 times) before fetching any', async () => {
    m = await hostileMirror()
    const path = `${m.ubuntuBase}.sjson`
    await writeIndex(
      m,
      Array.from({ length: 300 }, (_, i): [string, string] => [`com.example:dup:${i}`, path])
    )
    await expect(read(m)).rejects.toThrow(
      'streams/v1/index.sjson names 300 products files, more than the 256 allowed'
    )
    expect(m.server.stats.requests).toBe(1)
    expect(await m.cachedFiles()).toEqual([])
  })

  it("refuses a percent-encoded '..' item path (%2e%2e/%2e%2e/etc/passwd) in signed metadata", async () => {
    m = await hostileMirror()
    await rewriteDocument(m.stream, m.ubuntuBase, (doc) => {
      const product = Object.values(doc.products as Record<string, Record<string, unknown>>)[0]
      const version = Object.values(product.versions as Record<string, { items: Record<string, unknown> }>)[0]
      const item = Object.values(version.items)[0] as Record<string, unknown>
      item.path = '%2e%2e/%2e%2e/%2e%2e/etc/passwd'
    })
    await expect(read(m)).rejects.toThrow(
      /unsafe path "%2e%2e\/%2e%2e\/%2e%2e\/etc\/passwd" \(percent-encoded '\.\.' segment\)/
    )
    expect(await m.cachedFiles()).toEqual([])
  })

  it('refuses a tampered products file and caches nothing', async () => {
    m = await hostileMirror()
    await tamperSignedFile(join(m.stream.dir, `${m.ubuntuBase}.sjson`))
    await expect(read(m)).rejects.toThrow(`signature verification failed for ${m.ubuntuBase}.sjson`)
    // openpgp's "Signed digest did not match", said in words that tell the admin what to check
    await expect(read(m)).rejects.toThrow(
      'the file changed after it was signed, or the keyring is not the one its publisher signs with'
    )
    expect(await m.cachedFiles()).toEqual([])
  })

  it('refuses an index signed by a key outside the keyring and caches nothing', async () => {
    m = await hostileMirror()
    const stranger = await createTestKey('Stranger')
    await writeSignedDocument(
      m.stream.dir,
      'streams/v1/index',
      { format: 'index:1.0', updated: 'Fri, 01 Aug 2025 10:00:00 +0000', index: {} },
      stranger
    )
    await expect(read(m)).rejects.toThrow(
      `streams/v1/index.sjson is signed by unknown key ${stranger.keyId} (not in keyring`
    )
    expect(await m.cachedFiles()).toEqual([])
  })

  it('refuses signed metadata older than the cached copy (rollback), naming the file and both dates', async () => {
    m = await hostileMirror()
    await read(m)
    const cachedBefore = (await m.cachedFiles()).sort()
    expect(cachedBefore.length).toBeGreaterThan(0)
    // A correctly signed but older index, as an attacker replaying last year's stream would serve it.
    await rewriteDocument(m.stream, 'streams/v1/index', (doc) => {
      doc.updated = 'Mon, 01 Jan 2024 00:00:00 +0000'
    })
    await expect(read(m)).rejects.toThrow(
      `rollback refused: ${m.server.url}streams/v1/index.sjson is dated Mon, 01 Jan 2024 00:00:00 +0000, ` +
        'older than the copy of streams/v1/index.sjson already verified and cached (Thu, 24 Jul 2025 08:01:49 +0000)'
    )
    expect((await m.cachedFiles()).sort()).toEqual(cachedBefore)
    // The same date again, or a newer one, is accepted.
    await rewriteDocument(m.stream, 'streams/v1/index', (doc) => {
      doc.updated = 'Fri, 01 Aug 2025 10:00:00 +0000'
    })
    await expect(read(m)).resolves.toBeTruthy()
  })

  it("Connect's verified copy does not replace newer cached metadata when the source is saved (rollback)", async () => {
    m = await hostileMirror()
    await read(m)
    const cachedBefore = (await m.cachedFiles()).sort()
    await rewriteDocument(m.stream, 'streams/v1/index', (doc) => {
      doc.updated = 'Mon, 01 Jan 2024 00:00:00 +0000'
    })
    // Connect itself caches nothing, so it cannot see the newer copy; saving its documents there must.
    const connected = await checkStream({ url: m.server.url, keyring: m.keyring, proxy: m.direct })
    await expect(connected.saveTo(m.cacheDir)).rejects.toThrow(
      `rollback refused: ${m.server.url}streams/v1/index.sjson is dated Mon, 01 Jan 2024 00:00:00 +0000`
    )
    expect((await m.cachedFiles()).sort()).toEqual(cachedBefore)
  })
})

describe('hostile mirrors and verifyMirror', () => {
  it('does not follow products files named only by an index that failed verification', async () => {
    m = await hostileMirror()
    const stranger = await createTestKey('Stranger')
    const index: Record<string, unknown> = {}
    for (let i = 0; i < 24; i++)
      index[`com.example:${i}`] = { format: 'products:1.0', path: `${m.ubuntuBase}.sjson` }
    for (let i = 0; i < 24; i++)
      index[`com.example:x${i}`] = { format: 'products:1.0', path: `streams/v1/x${i}.sjson` }
    await writeSignedDocument(
      m.stream.dir,
      'streams/v1/index',
      { format: 'index:1.0', updated: 'Fri, 01 Aug 2025 10:00:00 +0000', index },
      stranger
    )
    const r = await verifyMirror(m.server.url, m.keyring, { proxy: m.direct })
    expect(r.ok).toBe(false)
    expect(r.problems).toEqual([
      `streams/v1/index.sjson is signed by unknown key ${stranger.keyId} (not in keyring ${m.stream.keyringPath})`,
      'streams/v1/index.sjson did not verify: the 48 products file(s) it names were not checked'
    ])
    // Only the index was fetched.
    expect(m.server.stats.requests).toBe(1)
  })

  it('deep verify stops reading an item answered with an endless body at its size + 1', async () => {
    m = await hostileMirror()
    endless = await startEndlessItemServer(m.stream.dir)
    const r = await verifyMirror(endless.url, m.keyring, { proxy: m.direct, deep: true })
    expect(r.ok).toBe(false)
    expect(r.items?.length).toBeGreaterThan(0)
    for (const item of r.items ?? []) {
      expect(item.ok).toBe(false)
      expect(item.problem).toMatch(/^size mismatch: expected \d+ bytes, got more \(stopped reading at \d+\)$/)
    }
    // Each item read stopped after about one chunk, however much the server would have sent.
    expect(endless.itemBytesSent()).toBeLessThan((r.items!.length + 1) * 4 * 1024 * 1024)
  })
})
