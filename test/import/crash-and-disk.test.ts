import { spawn, spawnSync } from 'node:child_process'
import { mkdir, open, readFile, rm, statfs } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ImportProgress } from '@shared/types'
import { BlobCache } from '../../src/main/library/blob-cache'
import { lockPath } from '../../src/main/import/import-lock'
import {
  assertCacheConsistent,
  engineFor,
  latestItems,
  payloadBytes,
  selection,
  streamEnv,
  type StreamEnv
} from './engine-fixture'
import { tempDir } from './helpers'

let env: StreamEnv
const dirs: string[] = []
const mounts: string[] = []
beforeAll(async () => {
  env = await streamEnv(0.01, ['noble'])
})
afterAll(async () => {
  await env.close()
  for (const m of mounts) spawnSync('umount', ['-l', m])
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
beforeEach(() => env.reset())

const wanted = (): Array<{ sha256: string; size: number }> =>
  latestItems(env.gen, (p) => p.includes(':24.04:') || p.includes(':1:'))
const total = (): number => wanted().reduce((n, i) => n + i.size, 0)

/** A fresh tmpfs of the given size; failing to mount fails the test (never a silent skip). */
async function tmpfs(size: string): Promise<string> {
  const d = await tempDir('imp-tmpfs-')
  dirs.push(d)
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', d], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`cannot mount a tmpfs on ${d} (this test needs root): ${r.stderr}`)
  mounts.push(d)
  return d
}

function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  return new Promise((res, rej) => {
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t)
        res()
      } else if (Date.now() > end) {
        clearInterval(t)
        rej(new Error('timed out waiting'))
      }
    }, 20)
  })
}

describe('crash and disk-full', () => {
  it('resumes after kill -9 of an importing process, re-fetching only what was missing', async () => {
    env.server.options.rateBytesPerSec = 400 * 1024
    const dd = await tempDir('imp-kill-')
    dirs.push(dd)
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(__dirname, 'child-import.ts'),
        dd,
        env.server.url,
        env.gen.keyringPath,
        'noble'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (_c, sig) => r(sig === 'SIGKILL' ? 9 : _c))
    )
    await waitFor(() => payloadBytes(env.server) > total() * 0.4 || child.exitCode !== null, 25_000)
    expect(stderr).toBe('')
    child.kill('SIGKILL')
    expect(await exited).toBe(9)
    const firstRun = payloadBytes(env.server)
    expect(firstRun).toBeLessThan(total())
    // The dead process's lock is still on disk; the next import takes it over.
    expect(JSON.parse(await readFile(lockPath(dd), 'utf8')).pid).toBe(child.pid)

    env.reset()
    const engine = engineFor(env, dd, () => [selection('noble')])
    expect(await engine.isImporting()).toBe(false)
    const result = await engine.runImport()
    expect(result.failures).toEqual([])
    const secondRun = payloadBytes(env.server)
    // Resumed rather than restarted: together the two runs served little more than the total.
    expect(secondRun).toBeLessThan(total() - firstRun * 0.5)
    expect(firstRun + secondRun).toBeLessThan(total() * 1.15)
    expect(await assertCacheConsistent(dd)).toBe(wanted().length)
    expect(await new BlobCache(dd).listPartials()).toEqual([])
    await engine.dispose()
  })

  it('refuses to start when the data directory lacks space, giving both figures', async () => {
    const dd = await tmpfs('4m')
    const engine = engineFor(env, dd, () => [selection('noble')], { freeSpaceMarginBytes: 1024 * 1024 })
    const result = await engine.runImport()
    expect(result.ok).toBe(false)
    const f = result.failures.find((x) => x.code === 'no_space')!
    expect(f.message).toMatch(
      new RegExp(
        `^not enough free space in ${join(dd, 'cache')} for boot source ${env.server.url}: need [\\d.]+ MB, have [\\d.]+ (MB|KB)`
      )
    )
    const [, need, have] = /\((\d+) and (\d+) bytes/.exec(f.message)!.map(Number)
    expect(need).toBe(total() + 1024 * 1024)
    expect(have).toBeLessThan(need)
    expect(env.server.stats.byPath.size).toBeGreaterThan(0)
    expect(payloadBytes(env.server)).toBe(0)
    await engine.dispose()
  })

  it('stops cleanly when the disk fills mid-way, keeps the verified files, and resumes after space is freed', async () => {
    env.server.options.rateBytesPerSec = 600 * 1024
    const dd = await tmpfs('24m')
    const engine = engineFor(env, dd, () => [selection('noble')], { freeSpaceMarginBytes: 1024 * 1024 })
    const filler = join(dd, 'filler')
    let filling: Promise<void> | undefined
    engine.on('progress', (p: ImportProgress) => {
      if (!filling && p.files_done >= 2) filling = fill(filler, dd)
    })
    const result = await engine.runImport()
    await filling
    expect(filling).toBeDefined()
    const f = result.failures.find((x) => x.code === 'no_space')
    expect(f?.message).toMatch(/disk full in .*the import stopped; every verified file is kept/)
    expect(result.notes.join('\n')).toMatch(/\d+ file\(s\) verified and kept before the disk filled/)
    const kept = await assertCacheConsistent(dd)
    expect(kept).toBeGreaterThanOrEqual(2)
    expect(kept).toBeLessThan(wanted().length)
    // resources.json is whole (old or new), never torn.
    JSON.parse(await readFile(join(dd, 'resources.json'), 'utf8'))

    await rm(filler)
    env.reset()
    const again = await engine.runImport()
    expect(again.failures).toEqual([])
    expect(await assertCacheConsistent(dd)).toBe(wanted().length)
    expect(payloadBytes(env.server)).toBeLessThan(total())
    await engine.dispose()
  })
})

/** Fills the file system to the last byte. */
async function fill(path: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  const fh = await open(path, 'w')
  const chunk = Buffer.alloc(256 * 1024, 1)
  try {
    for (;;) {
      const st = await statfs(dir)
      if (Number(st.bavail) === 0) break
      await fh.write(chunk)
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    await fh.close()
  }
}
