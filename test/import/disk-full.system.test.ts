/**
 * An import whose data directory is too small, or fills mid-way: real tmpfs mounts, so root. The
 * kill -9 resume, which needs neither, is in crash-resume.test.ts.
 */
import { mkdir, open, readFile, rm, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ImportProgress } from '@shared/types'
import { mountTmpfs, type FuseMount } from '../support/fuse-mounts'
import { assertCacheConsistent, payloadBytes, useNobleStream } from './engine-fixture'

const noble = useNobleStream('imp-tmpfs-')
const mounts: FuseMount[] = []
// Registered after useNobleStream's hooks, so it runs before them (vitest runs after-hooks as a stack):
// the tmpfs mounts go before the folders under them are removed.
afterAll(async () => {
  for (const m of mounts) await m.unmount()
})

/** A fresh tmpfs of the given size in bytes; failing to mount fails the test (never a silent skip). */
async function tmpfs(bytes: number): Promise<string> {
  const d = await noble.dataDir()
  const m = await mountTmpfs(d, bytes)
  mounts.push(m)
  return m.point
}

describe('disk-full', () => {
  it('refuses to start when the data directory lacks space, giving both figures', async () => {
    const dd = await tmpfs(4 * 1024 * 1024)
    const engine = noble.engine(dd, {
      freeSpaceMarginBytes: 1024 * 1024
    })
    const result = await engine.runImport()
    expect(result.ok).toBe(false)
    const f = result.failures.find((x) => x.code === 'no_space')!
    expect(f.message).toMatch(
      new RegExp(
        `^not enough free space in ${join(dd, 'cache')} for boot source ${noble.env.server.url}: need [\\d.]+ MB, have [\\d.]+ (MB|KB)`
      )
    )
    const [, need, have] = /\((\d+) and (\d+) bytes/.exec(f.message)!.map(Number)
    expect(need).toBe(noble.wantedBytes() + 1024 * 1024)
    expect(have).toBeLessThan(need)
    expect(noble.env.server.stats.byPath.size).toBeGreaterThan(0)
    expect(payloadBytes(noble.env.server)).toBe(0)
    await engine.dispose()
  })

  it('stops cleanly when the disk fills mid-way, keeps the verified files, and resumes after space is freed', async () => {
    noble.env.server.options.rateBytesPerSec = 600 * 1024
    const dd = await tmpfs(24 * 1024 * 1024)
    const engine = noble.engine(dd, {
      freeSpaceMarginBytes: 1024 * 1024
    })
    const filler = join(dd, 'filler')
    let filling: Promise<void> | undefined
    engine.on('progress', (p: ImportProgress) => {
      if (!filling && p.files_done >= 2) filling = fill(filler, dd)
    })
    const result = await engine.runImport()
    await filling
    expect(filling).toBeDefined()
    // The run-level stop, whichever write met the full disk first. When that write was a file's own
    // (open, commit) rather than a download segment's, the file is named as well: no other failure.
    const f = result.failures.find((x) => x.code === 'no_space' && x.resource === undefined)
    expect(f?.message).toMatch(/disk full in .*the import stopped; every verified file is kept/)
    for (const x of result.failures) expect(x.code, x.message).toBe('no_space')
    expect(result.notes.join('\n')).toMatch(/\d+ file\(s\) verified and kept before the disk filled/)
    const kept = await assertCacheConsistent(dd)
    expect(kept).toBeGreaterThanOrEqual(2)
    expect(kept).toBeLessThan(noble.wanted().length)
    // resources.json is whole (old or new), never torn.
    JSON.parse(await readFile(join(dd, 'resources.json'), 'utf8'))

    await rm(filler)
    noble.env.reset()
    const again = await engine.runImport()
    expect(again.failures).toEqual([])
    expect(await assertCacheConsistent(dd)).toBe(noble.wanted().length)
    expect(payloadBytes(noble.env.server)).toBeLessThan(noble.wantedBytes())
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
