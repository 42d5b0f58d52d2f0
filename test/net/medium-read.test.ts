/**
 * Hashing a file from its medium (src/main/net/medium-read.ts): O_DIRECT reads at aligned offsets into an
 * aligned buffer, a last block that is partial, the size cap, a handle opened for writing only (the stager's),
 * and a file system that refuses uncached reads, where the result must say the cache answered.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { open, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onlyOn } from '../support/only-on'
import { ALIGNMENT, hashFromMedium } from '../../src/main/net/medium-read'
import { tempDir } from '../import/helpers'
import { offsetPattern } from '../support/payload'

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

let dir: string
beforeAll(async () => {
  dir = await tempDir('medium-read-')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})


async function hashOf(path: string, flags = 'r', max?: number) {
  const fh = await open(path, flags)
  try {
    return await hashFromMedium(fh, path, 'sha256', { maxBytes: max })
  } finally {
    await fh.close()
  }
}

describe.runIf(
  onlyOn(['linux'], 'hashFromMedium on Linux: O_DIRECT, /proc/self/fd and procfs are Linux only')
)('hashFromMedium on Linux', () => {
  it('reads from the medium, with a last block that is partial (sizes that are not multiples of 4096)', async () => {
    for (const size of [
      0,
      1,
      ALIGNMENT - 1,
      ALIGNMENT,
      3 * ALIGNMENT + 1234,
      (1 << 20) + 17,
      // Whole read buffers: the read ahead after the last full block is the one that finds the end.
      2 * (1 << 20),
      3 * (1 << 20) - 5
    ]) {
      const bytes = offsetPattern(size)
      const path = join(dir, `f${size}`)
      await writeFile(path, bytes)
      const got = await hashOf(path)
      expect({ size, got }).toEqual({ size, got: { hex: sha256(bytes), size, source: 'medium' } })
    }
  })

  it('reads back through a handle opened for writing only, as the stager holds it', async () => {
    const bytes = offsetPattern(2 * ALIGNMENT + 7)
    const path = join(dir, 'written')
    const fh = await open(path, 'w')
    try {
      await fh.write(bytes)
      await fh.sync()
      const got = await hashFromMedium(fh, path, 'sha256')
      expect(got).toEqual({ hex: sha256(bytes), size: bytes.length, source: 'medium' })
    } finally {
      await fh.close()
    }
  })

  it('stops at the size cap: a file longer than expected is "over", not hashed to the end', async () => {
    const path = join(dir, 'long')
    await writeFile(path, offsetPattern(5 * ALIGNMENT))
    const got = await hashOf(path, 'r', ALIGNMENT + 1)
    expect(got).toMatchObject({ hex: '', over: true, source: 'medium' })
    expect(got.size).toBeGreaterThan(ALIGNMENT + 1)
    // Over the cap past a whole read buffer, with the next block already being read: it stops all the same.
    const longer = join(dir, 'longer')
    await writeFile(longer, offsetPattern(3 * (1 << 20)))
    expect(await hashOf(longer, 'r', (1 << 20) + 1)).toMatchObject({
      hex: '',
      over: true,
      size: 2 * (1 << 20)
    })
  })

  it('on a file system that refuses O_DIRECT (procfs), hashes through the cache and says so', async () => {
    // /proc refuses O_DIRECT with EINVAL, as some FUSE file systems do; tmpfs accepts it since Linux 6.6.
    const path = '/proc/self/mountinfo'
    const got = await hashOf(path)
    expect(got.source).toBe('cache')
    expect(got.cacheReason).toBe(`the file system of ${path} refuses uncached reads`)
    const version = '/proc/version'
    const again = await hashOf(version)
    expect(again).toMatchObject({ hex: sha256(readFileSync(version)), source: 'cache' })
  })
})
