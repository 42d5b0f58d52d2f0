/**
 * Hostile mirrors against the download path: each test serves a signed stream whose payload answers are
 * scripted to lie, and asserts the error's words and that no byte the signature does not vouch for is in
 * the cache (every blob hashes to its name, the target's blob is either absent or right).
 */
import { createHash } from 'node:crypto'
import { readFile, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ImportEngine } from '../../src/main/import'
import { BlobCache } from '../../src/main/library/blob-cache'
import { DEFAULT_STALL_TIMEOUT_MS } from '../../src/main/net/limits'
import { assertCacheConsistent, selection, settings } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'
import { generateStream, type GeneratedItem, type GeneratedStream } from '../support/stream-generator'
import { altered, startScriptedMirror, whole, type ScriptedMirror } from '../support/scripted-mirror'

const MiB = 1024 * 1024
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

let dir: string
let gen: GeneratedStream
let mirror: ScriptedMirror
const dirs: string[] = []

beforeAll(async () => {
  dir = await tempDir('hostile-dl-')
  // Noble amd64 only, one version; at this scale the squashfs is 9-13 MiB, several hash steps long.
  gen = await generateStream({
    dir: join(dir, 'mirror'),
    scale: 0.03,
    releases: ['noble'],
    arches: ['amd64'],
    versionsPerProduct: 1,
    centos: false,
    bootloaders: false
  })
  mirror = await startScriptedMirror(gen.dir)
})
afterAll(async () => {
  await mirror.close()
  await rm(dir, { recursive: true, force: true })
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
beforeEach(() => {
  mirror.script = undefined
  mirror.requests.clear()
})

async function dataDir(): Promise<string> {
  const d = await tempDir('hostile-data-')
  dirs.push(d)
  return d
}

function engine(dd: string, connections = 8): ImportEngine {
  return new ImportEngine({
    dataDir: dd,
    listSources: async () => [
      {
        source: {
          id: 1,
          url: mirror.url,
          keyring_filename: gen.keyringPath,
          keyring_data: '',
          created: '',
          updated: ''
        },
        selections: [selection('noble', ['amd64'])]
      }
    ],
    getSettings: async () => settings({ connections }),
    tuning: { minSplitBytes: 256 * 1024, requestBytes: 1 * MiB, backoffMs: 20 }
  })
}

const item = (name: string): GeneratedItem => gen.items.find((i) => i.item === name)!
const onDisk = (it: GeneratedItem): Promise<Buffer> => readFile(join(gen.dir, it.path))

/** Every file under the cache (blobs and partials) with its sha256. */
async function cacheFiles(dd: string): Promise<Array<{ name: string; sha256: string }>> {
  const root = join(dd, 'cache')
  const out: Array<{ name: string; sha256: string }> = []
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const p = join(e.parentPath, e.name)
    out.push({ name: p.slice(root.length + 1), sha256: sha256(await readFile(p)) })
  }
  return out
}

describe('a mirror that answers Range with 206, then the same file with a whole-file 200', () => {
  it.each([1, 8])(
    'with its first MiB altered (%i connection(s)): the import fails with a checksum error naming the file, nothing altered is cached, and an honest mirror then completes',
    async (connections) => {
      const target = item('squashfs')
      const data = await onDisk(target)
      expect(data.length).toBeGreaterThan(8 * MiB)
      const bad = altered(data, 0, MiB)
      let switched = false
      // Honest 206s until a Range request past 5 MiB (by then the first 4 MiB are written and hashed),
      // then the whole file with its first MiB altered, for every later request of that file.
      mirror.script = ({ path, range }) => {
        if (path !== `/${target.path}`) return undefined
        switched ||= range !== null && range.start >= 5 * MiB
        return switched ? whole(bad) : undefined
      }
      const dd = await dataDir()
      const e = engine(dd, connections)
      const result = await e.runImport()
      expect(switched).toBe(true)
      expect(result.ok).toBe(false)
      // Both kernels share the squashfs: both fail, each naming the file and the checksum problem.
      expect(result.failures.map((f) => f.resource).sort()).toEqual([
        'ubuntu/noble amd64/ga-24.04',
        'ubuntu/noble amd64/hwe-24.04'
      ])
      for (const f of result.failures) {
        expect(f).toMatchObject({ code: 'checksum', file: 'squashfs' })
        expect(f.message).toMatch(
          new RegExp(`^checksum mismatch: \\S+ squashfs expected ${target.sha256} got ${sha256(bad)}$`)
        )
      }
      const cache = new BlobCache(dd)
      expect(await cache.has(target.sha256)).toBe(false)
      const files = await cacheFiles(dd)
      expect(files.filter((f) => f.sha256 === sha256(bad))).toEqual([])
      expect(files.filter((f) => f.name.includes(target.sha256))).toEqual([])
      // Every other blob is whole and right.
      expect(await assertCacheConsistent(dd)).toBe(files.length)

      mirror.script = undefined
      const again = await e.runImport()
      expect(again.failures).toEqual([])
      expect(sha256(await readFile(cache.blobPath(target.sha256)))).toBe(target.sha256)
      await assertCacheConsistent(dd)
      await e.dispose()
    }
  )

  it('with the right bytes (a mirror that stops honouring Range): the import completes and the blob is right', async () => {
    const target = item('squashfs')
    const data = await onDisk(target)
    let switched = false
    mirror.script = ({ path, range }) => {
      if (path !== `/${target.path}`) return undefined
      switched ||= range !== null && range.start >= 5 * MiB
      return switched ? whole(data) : undefined
    }
    const dd = await dataDir()
    const e = engine(dd)
    const result = await e.runImport()
    expect(switched).toBe(true)
    expect(result.failures).toEqual([])
    expect(result.ok).toBe(true)
    const cache = new BlobCache(dd)
    expect(sha256(await readFile(cache.blobPath(target.sha256)))).toBe(target.sha256)
    expect(await cache.listPartials()).toEqual([])
    expect((await e.listResources()).every((r) => r.status === 'Synced')).toBe(true)
    await e.dispose()
  })
})

describe('a mirror that ignores Range and cuts the first answer after 5 MiB', () => {
  /** First answer: the whole file announced, 5 MiB sent (the first 4 MiB get hashed), connection closed. */
  function cutThen(target: GeneratedItem, second: (data: Buffer) => Buffer) {
    return ({ path, nth, data }: { path: string; nth: number; data: Buffer }) => {
      if (path !== `/${target.path}`) return undefined
      if (nth === 1) {
        const head = `HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\nConnection: close\r\n\r\n`
        return { raw: Buffer.concat([Buffer.from(head), data.subarray(0, 5 * MiB)]) }
      }
      return whole(second(data))
    }
  }

  it('then sends the whole file with its first MiB altered: a checksum error, nothing altered cached', async () => {
    const target = item('squashfs')
    const bad = altered(await onDisk(target), 0, MiB)
    mirror.script = cutThen(target, (d) => altered(d, 0, MiB))
    const dd = await dataDir()
    const e = engine(dd)
    const result = await e.runImport()
    expect(mirror.requests.get(`/${target.path}`)).toBe(2)
    const mine = result.failures.filter((f) => f.file === 'squashfs')
    expect(mine).toHaveLength(2)
    for (const f of mine) {
      expect(f.code).toBe('checksum')
      expect(f.message).toMatch(
        new RegExp(`checksum mismatch: \\S+ squashfs expected ${target.sha256} got ${sha256(bad)}$`)
      )
    }
    expect(await new BlobCache(dd).has(target.sha256)).toBe(false)
    expect(
      (await cacheFiles(dd)).filter((f) => f.sha256 === sha256(bad) || f.name.includes(target.sha256))
    ).toEqual([])
    await assertCacheConsistent(dd)
    await e.dispose()
  })

  it('then sends the whole file right: the import completes and the blob is right', async () => {
    const target = item('squashfs')
    mirror.script = cutThen(target, (d) => d)
    const dd = await dataDir()
    const e = engine(dd)
    const result = await e.runImport()
    expect(mirror.requests.get(`/${target.path}`)).toBe(2)
    expect(result.failures).toEqual([])
    expect(sha256(await readFile(new BlobCache(dd).blobPath(target.sha256)))).toBe(target.sha256)
    await e.dispose()
  })
})

const labelOf = (it: GeneratedItem): string => `${it.product} ${it.item}`

describe('a mirror whose file has another size than the signed one', () => {
  it.each([
    ['shorter', -100, true],
    ['longer', 100, true],
    ['shorter', -100, false]
  ])(
    'a %s file (%i bytes, Range answered: %s) fails at once, without retries, saying both sizes',
    async (_kind, delta, range) => {
      const target = item('boot-kernel')
      const data = await onDisk(target)
      const served =
        delta < 0 ? data.subarray(0, data.length + delta) : Buffer.concat([data, Buffer.alloc(delta)])
      mirror.script = ({ path }) => {
        if (path !== `/${target.path}`) return undefined
        return range ? { honest: true, data: served } : whole(served)
      }
      const dd = await dataDir()
      const e = engine(dd)
      const t0 = Date.now()
      const result = await e.runImport()
      const mine = result.failures.filter((f) => f.file === 'boot-kernel')
      expect(mine).toEqual([
        {
          resource: expect.stringMatching(/^ubuntu\/noble amd64\//),
          file: 'boot-kernel',
          code: 'checksum',
          message:
            `size mismatch: ${labelOf(target)} at ${mirror.url}${target.path}: ` +
            `the server's file is ${served.length} bytes, the signed size is ${data.length}`
        }
      ])
      expect(mirror.requests.get(`/${target.path}`)).toBe(1)
      // Nor did it wait for bytes that never come: that would take the stall timeout.
      expect(Date.now() - t0).toBeLessThan(DEFAULT_STALL_TIMEOUT_MS / 2)
      expect(await new BlobCache(dd).has(target.sha256)).toBe(false)
      await assertCacheConsistent(dd)
      await e.dispose()
    }
  )
})

/** The honest Range answer's head and body for a request, to build lying variants from. */
function honestParts(data: Buffer, range: { start: number; end: number } | null) {
  const start = range?.start ?? 0
  const end = Math.min(range?.end ?? data.length - 1, data.length - 1)
  return { start, end, body: data.subarray(start, end + 1) }
}

function rawReply(status: string, headers: Record<string, string | number>, body: Buffer): { raw: Buffer } {
  const head = [
    `HTTP/1.1 ${status}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    'Connection: close'
  ]
  return { raw: Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n'), body]) }
}

describe('a mirror that truncates, pads or alters what it sends', () => {
  it('a Content-Length that promises bytes never sent, on every answer: fails naming the cut, nothing cached', async () => {
    const target = item('boot-initrd')
    mirror.script = ({ path, range, data }) => {
      if (path !== `/${target.path}`) return undefined
      const p = honestParts(data, range)
      return rawReply(
        '206 Partial Content',
        { 'Content-Length': p.body.length, 'Content-Range': `bytes ${p.start}-${p.end}/${data.length}` },
        Buffer.alloc(0)
      )
    }
    const dd = await dataDir()
    const e = engine(dd)
    const result = await e.runImport()
    const mine = result.failures.filter((f) => f.file === 'boot-initrd')
    expect(mine.length).toBeGreaterThan(0)
    for (const f of mine) {
      expect(f.code).toBe('network')
      expect(f.message).toBe(
        `connection closed early fetching ${mirror.url}${target.path} (gave up after 6 attempts)`
      )
    }
    expect(await new BlobCache(dd).has(target.sha256)).toBe(false)
    await assertCacheConsistent(dd)
    await e.dispose()
  })

  it('a connection cut half-way through the body, once: the next answer completes it and the blob is right', async () => {
    const target = item('squashfs')
    let cut = false
    mirror.script = ({ path, range, data }) => {
      if (path !== `/${target.path}` || cut || !range || range.start < 2 * MiB) return undefined
      cut = true
      const p = honestParts(data, range)
      return rawReply(
        '206 Partial Content',
        { 'Content-Length': p.body.length, 'Content-Range': `bytes ${p.start}-${p.end}/${data.length}` },
        p.body.subarray(0, p.body.length >> 1)
      )
    }
    const dd = await dataDir()
    const e = engine(dd)
    const result = await e.runImport()
    expect(cut).toBe(true)
    expect(result.failures).toEqual([])
    const blob = await readFile(new BlobCache(dd).blobPath(target.sha256))
    expect(sha256(blob)).toBe(target.sha256)
    await e.dispose()
  })

  it('bodies longer than asked (a 206 padded at the end, a 200 past its Content-Length): only the signed bytes are kept', async () => {
    const kernel = item('boot-kernel')
    const initrd = item('boot-initrd')
    const junk = Buffer.alloc(4096, 0x41)
    mirror.script = ({ path, range, data }) => {
      const p = honestParts(data, range)
      if (path === `/${kernel.path}`) {
        return rawReply(
          '206 Partial Content',
          {
            'Content-Length': p.body.length + junk.length,
            'Content-Range': `bytes ${p.start}-${p.end}/${data.length}`
          },
          Buffer.concat([p.body, junk])
        )
      }
      if (path === `/${initrd.path}`) {
        return rawReply('200 OK', { 'Content-Length': data.length }, Buffer.concat([data, junk]))
      }
      return undefined
    }
    const dd = await dataDir()
    const e = engine(dd)
    const result = await e.runImport()
    // Bytes after a whole response (its Content-Length reached) are no error: one request did it.
    expect(mirror.requests.get(`/${initrd.path}`)).toBe(1)
    expect(result.failures).toEqual([])
    const cache = new BlobCache(dd)
    for (const it of [kernel, initrd]) {
      const blob = await readFile(cache.blobPath(it.sha256))
      expect(blob.length).toBe(it.size)
      expect(sha256(blob)).toBe(it.sha256)
    }
    await e.dispose()
  })

  it.each([
    ['bytes altered in the middle', (b: Buffer) => altered(b, b.length >> 1, (b.length >> 1) + 16)],
    [
      'junk in front, the right length',
      (b: Buffer) => Buffer.concat([Buffer.alloc(16, 0x41), b.subarray(16)])
    ]
  ])('a 206 with %s: fails with a checksum error naming the file, no byte kept', async (_kind, spoil) => {
    const target = item('squashfs')
    let spoiled = false
    mirror.script = ({ path, range, data }) => {
      if (path !== `/${target.path}` || spoiled || !range || range.start < 2 * MiB) return undefined
      spoiled = true
      const p = honestParts(data, range)
      return {
        status: 206,
        headers: { 'Content-Range': `bytes ${p.start}-${p.end}/${data.length}` },
        body: spoil(p.body)
      }
    }
    const dd = await dataDir()
    const e = engine(dd)
    const result = await e.runImport()
    const mine = result.failures.filter((f) => f.file === 'squashfs')
    expect(mine).toHaveLength(2)
    for (const f of mine) {
      expect(f.code).toBe('checksum')
      expect(f.message).toMatch(
        new RegExp(
          `^checksum mismatch: ${labelOf(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} expected ${target.sha256} got [0-9a-f]{64}$`
        )
      )
    }
    const cache = new BlobCache(dd)
    expect(await cache.has(target.sha256)).toBe(false)
    expect(await cache.listPartials()).toEqual([])
    await assertCacheConsistent(dd)
    await e.dispose()
  })
})
