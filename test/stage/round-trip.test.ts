/**
 * The offline flow end to end, on real file systems: import from a signed stream, stage onto FAT32
 * and exFAT (FUSE), verify --deep the stick, catch one flipped byte, import from the stick with no
 * HTTP server running, serve that cache, import from the served URL. Every sha256 is checked at each
 * step. Needs root and FUSE tools (see test/support/fuse-mounts.ts): their absence fails, loudly.
 */
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { directoryMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer } from '../../src/main/serve/mirror-server'
import { encodePath } from '../../src/main/stage/name-map'
import { mirrorLikeSimplestreams, rawGet } from '../support/simplestreams-client'
import { cli } from '../main/cli-helpers'
import { streamEnv, type StreamEnv } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'
import {
  attachFat32,
  mountExfat,
  mountFat32,
  mountTmpfs,
  requireFuseTools,
  type FuseMount
} from '../support/fuse-mounts'

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

let env: StreamEnv
let tmp: string
const mounts: FuseMount[] = []
const dd = { a: '', b: '', c: '' }
/** upstream path → sha256 of every item the first import cached (noble amd64 + bootloaders) */
let staged: Array<{ path: string; sha256: string; size: number }>
/** the signed documents (the generator also writes unsigned .json twins, which staging leaves out) */
let signedDocs: string[]

/** Flips one byte in place (fusefat cannot truncate a file, which writeFile would do). */
async function flipByte(path: string, at: number): Promise<void> {
  const fh = await open(path, 'r+')
  try {
    const b = Buffer.alloc(1)
    await fh.read(b, 0, 1, at)
    b[0] ^= 0xff
    await fh.write(b, 0, 1, at)
    await fh.sync()
  } finally {
    await fh.close()
  }
}

async function files(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name))
      else out.push(relative(root, join(d, e.name)).split('\\').join('/'))
    }
  }
  await walk(root)
  return out.sort()
}

async function useSource(dataDir: string, url: string): Promise<void> {
  const r = await cli(
    dataDir,
    'boot-source',
    'update',
    '1',
    `url=${url}`,
    `keyring_filename=${env.gen.keyringPath}`
  )
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
}

async function importAll(dataDir: string): Promise<void> {
  const r = await cli(dataDir, 'boot-resources', 'import')
  expect(r.code, r.stdout + r.stderr).toBe(0)
}

/** Every cached blob hashes to its name, and the set of blobs is what the first import cached. */
async function expectCacheHolds(dataDir: string, want: ReadonlyArray<{ sha256: string }>): Promise<void> {
  const root = join(dataDir, 'cache', 'sha256')
  const have = new Set<string>()
  for (const sub of await readdir(root)) {
    for (const name of await readdir(join(root, sub))) {
      expect(sha256(await readFile(join(root, sub, name)))).toBe(name)
      have.add(name)
    }
  }
  expect([...have].sort()).toEqual([...new Set(want.map((w) => w.sha256))].sort())
}

async function stageCli(dataDir: string, target: string, ...extra: string[]) {
  const r = await cli(dataDir, 'stage', target, ...extra)
  return { ...r, result: r.code === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : null }
}

async function verifyDeep(location: string) {
  const r = await cli(dd.a, 'verify', location, `keyring_filename=${env.gen.keyringPath}`, '--deep')
  return {
    code: r.code,
    report: JSON.parse(r.stdout) as {
      ok: boolean
      corrupt: number
      missing_by_design: number
      items: Array<{ path: string; ok: boolean; missing?: boolean; problem?: string }>
      problems: string[]
    }
  }
}

/**
 * Reads a served mirror as sstream-mirror does, filtered to the staged products (as MAAS filters by
 * its selections): every staged item comes back byte for byte, and an item that was not staged is a
 * plain 404 (the one status python-simplestreams reads as "not there").
 */
async function expectSimplestreamsMirrors(url: string): Promise<void> {
  const products = new Set(
    env.gen.items.filter((i) => staged.some((s) => s.path === i.path)).map((i) => i.product)
  )
  const run = await mirrorLikeSimplestreams(url, await readFile(env.gen.keyringPath), (p) => products.has(p))
  expect(run.documents.sort()).toEqual([...signedDocs].sort())
  // Products share files (one squashfs for the GA and HWE kernels): compare the distinct files.
  expect([...new Set(run.items.map((i) => `${i.path} ${i.sha256}`))].sort()).toEqual(
    staged.map((s) => `${s.path} ${s.sha256}`).sort()
  )
  for (const r of run.requests)
    expect([r.method, r.status, r.contentLength], r.path).toEqual(['GET', 200, r.bodyLength])
  const notStaged = env.gen.items.find((i) => !staged.some((s) => s.path === i.path))!
  expect((await rawGet(url, notStaged.path)).req.status).toBe(404)
}

beforeAll(async () => {
  requireFuseTools()
  env = await streamEnv(0.002, ['noble'])
  tmp = await tempDir('stage-rt-')
  for (const k of ['a', 'b', 'c'] as const) dd[k] = join(tmp, `data-${k}`)
  // 1. Import from the generated signed stream (first run selects noble amd64, as MAAS does).
  await useSource(dd.a, env.server.url)
  await importAll(dd.a)
  const latest = new Map<string, string>()
  for (const it of env.gen.items)
    if (!latest.has(it.product) || it.version > latest.get(it.product)!) latest.set(it.product, it.version)
  const selected = new Set(
    env.gen.products
      .filter(
        (p) =>
          p.content_id === env.gen.contentIds.bootloader ||
          (p.fields.os === 'ubuntu' && p.fields.release === 'noble' && p.fields.arch === 'amd64')
      )
      .map((p) => p.product_name)
  )
  const wanted = env.gen.items.filter(
    (it) => latest.get(it.product) === it.version && selected.has(it.product)
  )
  signedDocs = env.gen.documents.filter((d) => d.endsWith('.sjson'))
  staged = [...new Map(wanted.map((w) => [w.path, w])).values()]
  await expectCacheHolds(dd.a, staged)
}, 120_000)

afterAll(async () => {
  for (const m of mounts.reverse())
    await m.unmount().catch((e: unknown) => console.error(`unmount ${m.point}: ${String(e)}`))
  await env?.close().catch(() => undefined)
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

describe('staging onto a plain directory', () => {
  it('yields exactly the upstream paths, byte-identical signed files, and a second stage copies 0 bytes', async () => {
    const target = join(tmp, 'plain')
    const first = await stageCli(dd.a, target)
    expect(first.stderr).toMatch(
      /Staged \d+ image\(s\), \d+ files .* copied \d+ files .* in [\d.]+s; every file was read back from the drive and verified/
    )
    expect(first.result).toMatchObject({ mapped_names: false, files_skipped: 0 })
    const want = [...signedDocs, ...staged.map((s) => s.path), 'README.txt', 'maas-images-stage.json'].sort()
    expect(await files(target)).toEqual(want)
    for (const d of signedDocs)
      expect((await readFile(join(target, d))).equals(await readFile(join(env.dir, d)))).toBe(true)
    for (const s of staged) expect(sha256(await readFile(join(target, s.path)))).toBe(s.sha256)
    const readme = await readFile(join(target, 'README.txt'), 'utf8')
    expect(readme).toContain(env.gen.key.fingerprint.toUpperCase())
    expect(readme).toMatch(/ubuntu\/noble amd64/)

    const again = await stageCli(dd.a, target)
    expect(again.result).toMatchObject({ files_copied: 0, bytes_copied: 0, files_skipped: want.length - 2 })
  })

  it('refuses a non-empty directory that is not a mirror, and the data directory itself', async () => {
    const foreign = join(tmp, 'foreign')
    await mkdir(foreign, { recursive: true })
    await writeFile(join(foreign, 'holiday.jpg'), 'a photo')
    const r = await stageCli(dd.a, foreign)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /refusing to stage into .*foreign: it is not empty and not a mirror \(holds holiday.jpg\)/
    )
    expect(await readdir(foreign)).toEqual(['holiday.jpg'])
    const inCache = await stageCli(dd.a, join(dd.a, 'cache', 'out'))
    expect(inCache.stderr).toMatch(/inside the data directory/)
  })

  it('is refused on a tmpfs that is too small, before writing, with both numbers', async () => {
    const small = await mountTmpfs(join(tmp, 'small'), 256 * 1024)
    mounts.push(small)
    const r = await stageCli(dd.a, small.point)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /not enough free space on .*small: need [\d.]+ MB, have [\d.]+ KB \(\d+ and \d+ bytes\)\. Nothing was written/
    )
    const [need, have] = /\((\d+) and (\d+) bytes\)/.exec(r.stderr)!.slice(1).map(Number)
    expect(need).toBeGreaterThan(have)
    expect(await readdir(small.point)).toEqual([])
  })
})

describe('the round trip through a FAT32 stick', () => {
  let fat: FuseMount
  beforeAll(async () => {
    fat = await mountFat32(tmp)
    mounts.push(fat)
  })

  it('stages onto FAT32 with mapped names and verify --deep passes', async () => {
    const r = await stageCli(dd.a, fat.point)
    expect(r.code, r.stderr).toBe(0)
    expect(r.result).toMatchObject({ file_system: 'FAT32', mapped_names: true })
    const onStick = await files(fat.point)
    for (const d of signedDocs) {
      expect(onStick).toContain(encodePath(d))
      expect((await readFile(join(fat.point, encodePath(d)))).equals(await readFile(join(env.dir, d)))).toBe(
        true
      )
    }
    expect(onStick.some((p) => p.includes(':'))).toBe(false)
    for (const s of staged) expect(sha256(await readFile(join(fat.point, encodePath(s.path))))).toBe(s.sha256)

    const v = await verifyDeep(fat.point)
    expect(v.report.problems).toEqual([])
    expect(v.code).toBe(0)
    expect(v.report.corrupt).toBe(0)
    expect(
      v.report.items
        .filter((i) => i.ok)
        .map((i) => i.path)
        .sort()
    ).toEqual(staged.map((s) => s.path).sort())
    // arm64, centos and older versions were not staged: missing by design, not failures.
    expect(v.report.missing_by_design).toBeGreaterThan(0)
  })

  it('served with its names mapped back, it is what python-simplestreams mirrors', async () => {
    const server = await startMirrorServer(await directoryMirror(fat.point), { port: 0 })
    try {
      await expectSimplestreamsMirrors(server.url)
    } finally {
      await server.close()
    }
  })

  it('verify --deep catches one flipped byte on the stick, and staging again repairs exactly that file', async () => {
    const victim = staged.find((s) => s.size > 1000)!
    await flipByte(join(fat.point, encodePath(victim.path)), 500)
    const v = await verifyDeep(fat.point)
    expect(v.code).toBe(1)
    expect(v.report.corrupt).toBe(1)
    expect(v.report.problems).toEqual([
      expect.stringMatching(new RegExp(`^${victim.path}: sha\\d+ mismatch`))
    ])
    const again = await stageCli(dd.a, fat.point)
    expect(again.result).toMatchObject({ files_copied: 1, bytes_copied: victim.size })
    expect((await verifyDeep(fat.point)).code).toBe(0)
  })

  it('imports from the stick into a fresh data directory with every HTTP server stopped', async () => {
    await env.server.close()
    await useSource(dd.b, fat.point)
    await importAll(dd.b)
    await expectCacheHolds(dd.b, staged)
  })

  it('serves that cache, and a third data directory imports from the served URL', async () => {
    const stdout = new PassThrough()
    let out = ''
    stdout.on('data', (d) => (out += d))
    const stop = new AbortController()
    const running = runCli(['--data-dir', dd.b, 'serve', '--port', '0'], {
      stdout,
      stderr: new PassThrough(),
      isTTY: false,
      env: {},
      version: 'test',
      signal: stop.signal
    })
    for (let i = 0; i < 200 && !/at http/.test(out); i++) await new Promise((r) => setTimeout(r, 25))
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1]
    expect(url, out).toBeDefined()
    try {
      await useSource(dd.c, url!)
      await importAll(dd.c)
      await expectCacheHolds(dd.c, staged)
      await expectSimplestreamsMirrors(url!)
      // The served signed files are the upstream bytes under the upstream names.
      for (const d of signedDocs) {
        const res = await fetch(url + d)
        expect(res.status).toBe(200)
        expect(Buffer.from(await res.arrayBuffer()).equals(await readFile(join(env.dir, d)))).toBe(true)
      }
    } finally {
      stop.abort()
      expect(await running).toBe(0)
    }
  })

  it('a stick pulled mid-way gives a clear error, and staging again resumes', async () => {
    const target = fat.point
    // A fresh stick: this data directory's images onto an empty FAT32 image.
    await fat.unmount()
    mounts.splice(mounts.indexOf(fat), 1)
    const dir2 = join(tmp, 'pulled')
    execFileSync('mkdir', ['-p', dir2])
    fat = await mountFat32(dir2)
    mounts.push(fat)
    const { stage } = await import('../../src/main/stage/stager')
    const source = {
      id: 1,
      url: env.server.url,
      keyring_filename: env.gen.keyringPath,
      keyring_data: '',
      created: '',
      updated: ''
    }
    let pulled = false
    const err = await stage({
      dataDir: dd.a,
      source,
      target: fat.point,
      onProgress: (p) => {
        if (!pulled && p.phase === 'copying' && p.files_done >= 2) {
          pulled = true
          fat.daemon!.kill('SIGKILL')
        }
      }
    }).catch((e: unknown) => e)
    expect(pulled).toBe(true)
    expect(err).toMatchObject({
      code: 'io',
      message: expect.stringMatching(
        /onto .* failed \(E[A-Z]+\): the drive may have been removed or failed\. Files written so far are whole; staging again resumes/
      )
    })
    // Plug it in again.
    execFileSync('umount', ['-l', fat.point])
    mounts.splice(mounts.indexOf(fat), 1)
    fat = await attachFat32(fat.image, fat.point)
    mounts.push(fat)
    const resumed = await stage({ dataDir: dd.a, source, target: fat.point })
    expect(resumed.files_skipped).toBeGreaterThanOrEqual(2)
    expect(resumed.files_copied).toBeLessThan(resumed.files)
    expect((await verifyDeep(fat.point)).code).toBe(0)
    void target
  })
})

describe('staging onto exFAT', () => {
  it('stages with mapped names and verify --deep passes', async () => {
    const ex = await mountExfat(tmp)
    mounts.push(ex)
    const r = await stageCli(dd.a, ex.point)
    expect(r.code).toBe(0)
    expect(r.result).toMatchObject({ mapped_names: true })
    for (const s of staged) expect(sha256(await readFile(join(ex.point, encodePath(s.path))))).toBe(s.sha256)
    const v = await verifyDeep(ex.point)
    expect(v.report.problems).toEqual([])
    expect(v.code).toBe(0)
    expect((await stat(join(ex.point, 'MAPPED-NAMES.txt'))).isFile()).toBe(true)
  })
})
