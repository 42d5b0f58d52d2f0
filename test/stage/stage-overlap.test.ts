/**
 * Staging keeps the target busy (src/main/stage/copy-pipeline.ts): the next item files are written while an
 * earlier one is read back from the medium, and a stop in the middle of that still ends with every write
 * stopped, no temp file, and the target's lock removed.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BootSource } from '@shared/types'
import { stage } from '../../src/main/stage/stager'
import { TEMP_SUFFIX } from '../../src/main/stage/safe-copy'
import { STAGING_LOCK_FILE } from '../../src/main/stage/target-lock'
import { bootSourceOf } from '../import/engine-fixture'
import { importedDataDir, type ImportedDataDir } from './imported-data-dir'

let src: ImportedDataDir
let source: BootSource

beforeAll(async () => {
  src = await importedDataDir()
  source = bootSourceOf(src.env)
}, 120_000)

afterAll(async () => {
  await src?.close()
})

/** Every file under `root` (relative), read synchronously: progress callbacks are synchronous. */
function listed(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listed(root, join(dir, e.name)) : [join(dir, e.name)]
  )
}

/** The item files on the target, under their final or their temp name. */
function itemsOnTarget(target: string, items: ReadonlySet<string>): number {
  return listed(target).filter((p) =>
    items.has(p.endsWith(TEMP_SUFFIX) ? p.slice(0, -TEMP_SUFFIX.length) : p)
  ).length
}

describe('staging with the target kept busy', () => {
  it('writes the next item files while an earlier one is read back', async () => {
    const target = join(src.tmp, 'overlap')
    const items = new Set(src.staged.map((s) => s.path))
    expect(items.size).toBeGreaterThan(3)
    // When a file is reported verified, one written after it one by one would find exactly the verified ones
    // on the target; more means later files were being written during its read-back.
    let ahead = 0
    let lastDone = 0
    const result = await stage({
      dataDir: src.dataDir,
      source,
      target,
      onProgress: (p) => {
        if (p.phase !== 'copying' || p.files_done === lastDone) return
        lastDone = p.files_done
        if (p.files_done <= items.size) ahead = Math.max(ahead, itemsOnTarget(target, items) - p.files_done)
      }
    })
    expect(result).toMatchObject({ files_copied: result.files, read_back: 'medium' })
    expect(ahead).toBeGreaterThan(0)
  })

  it('a stop while several files are in flight ends cancelled with no temp file and no lock', async () => {
    const target = join(src.tmp, 'stopped')
    const stop = new AbortController()
    const err = await stage({
      dataDir: src.dataDir,
      source,
      target,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.phase === 'copying' && p.files_done >= 1) stop.abort()
      }
    }).catch((e: unknown) => e)
    expect(stop.signal.aborted).toBe(true)
    expect(err).toMatchObject({ code: 'cancelled' })
    // Checked the moment staging returns: a write still running would leave its temp file or the lock.
    const left = listed(target)
    expect(left.filter((p) => p.endsWith(TEMP_SUFFIX))).toEqual([])
    expect(existsSync(join(target, STAGING_LOCK_FILE))).toBe(false)
  })
})
