/**
 * The offline flow end to end, on real file systems: stage onto FAT32 and exFAT (FUSE) and a tmpfs too
 * small, verify --deep the stick, catch one flipped byte, import from the stick with no HTTP server
 * running, serve that cache, import from the served URL. Every sha256 is checked at each step. Needs
 * root and FUSE tools (see test/support/fuse-mounts.ts): their absence fails, loudly. Staging onto a
 * plain directory, which needs neither, is in stage-to-directory.test.ts.
 */
import { execFileSync } from 'node:child_process'
import { open, readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { directoryMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer } from '../../src/main/serve/mirror-server'
import { encodePath } from '../../src/main/staged-tree/name-map'
import { mirrorLikeSimplestreams, rawGet } from '../support/simplestreams-client'
import { cli } from '../cli/cli-helpers'
import { bootSourceOf, type StreamEnv } from '../import/engine-fixture'
import {
  attachFat32,
  mountExfat,
  mountFat32,
  mountTmpfs,
  requireFuseTools,
  type FuseMount
} from '../support/fuse-mounts'
import {
  expectCacheHolds,
  files,
  importAll,
  importedDataDir,
  sha256,
  stageCli,
  useSource,
  type ImportedDataDir
} from './imported-data-dir'

let src: ImportedDataDir
let env: StreamEnv
let tmp: string
const mounts: FuseMount[] = []
const dd = { a: '', b: '', c: '' }
let staged: ImportedDataDir['staged']
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
  src = await importedDataDir()
  ;({ env, tmp, staged, signedDocs } = src)
  dd.a = src.dataDir
  dd.b = join(tmp, 'data-b')
  dd.c = join(tmp, 'data-c')
}, 120_000)

afterAll(async () => {
  for (const m of mounts.reverse())
    await m.unmount().catch((e: unknown) => console.error(`unmount ${m.point}: ${String(e)}`))
  await src?.close()
})

describe('staging onto a tmpfs', () => {
  it('is refused on a tmpfs that is too small, before writing, with both numbers', async () => {
    const small = await mountTmpfs(join(tmp, 'small'), 256 * 1024)
    mounts.push(small)
    const r = await stageCli(dd.a, small.point)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /not enough free space on .*small: need [\d.]+ MB, have [\d.]+ KB \(\d+ and \d+ bytes\); [\d.]+ MB more are needed\. Nothing was written/
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
    await useSource(env, dd.b, fat.point)
    await importAll(dd.b)
    await expectCacheHolds(dd.b, staged)
  })

  it('serves that cache, and a third data directory imports from the served URL', async () => {
    const stdout = new PassThrough()
    let out = ''
    // Listening is announced on stdout ("... at http://..."): wait for that line, not for a time.
    const listening = new Promise<void>((resolve) =>
      stdout.on('data', (d) => {
        out += d
        if (/at http/.test(out)) resolve()
      })
    )
    const stop = new AbortController()
    const running = runCli(['--data-dir', dd.b, 'serve', '--port', '0'], {
      stdout,
      stderr: new PassThrough(),
      isTTY: false,
      env: {},
      version: 'test',
      signal: stop.signal
    })
    // A server that exits instead (port, data directory) ends the wait too, with what it printed.
    await Promise.race([listening, running])
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1]
    expect(url, out).toBeDefined()
    try {
      await useSource(env, dd.c, url!)
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
    const source = bootSourceOf(env)
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
      message:
        'The stick was removed while staging (or stopped answering). Plug it in again and press Stage: ' +
        'staging resumes. Files written so far are whole.',
      // The system's code stays in the detail line, never in the sentence.
      detail: expect.stringMatching(/^E[A-Z]+ /)
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
