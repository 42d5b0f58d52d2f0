/**
 * A file system that refuses uncached writes (ramfs has no O_DIRECT): copyToMedium copies through the cache
 * instead, every byte, and says why. Needs root to mount ramfs: without root it fails, naming what it needs.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { copyToMedium } from '../../src/main/net/medium-write'
import { tempDir } from '../import/helpers'

let dir: string
let point: string
beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test mounts ramfs: run it as root')
  dir = await tempDir('medium-write-ramfs-')
  point = join(dir, 'ramfs')
  await mkdir(point)
  execFileSync('mount', ['-t', 'ramfs', 'ramfs', point])
})
afterAll(async () => {
  if (point) execFileSync('umount', [point])
  await rm(dir, { recursive: true, force: true })
})

it('on ramfs, which refuses O_DIRECT, copies through the cache and says so', async () => {
  const bytes = Buffer.from(Array.from({ length: (1 << 20) + 4321 }, (_, i) => (i * 7) & 0xff))
  const from = join(dir, 'src')
  await writeFile(from, bytes)
  const to = join(point, 'copy')
  const src = await open(from, 'r')
  const dest = await open(to, 'wx+')
  try {
    const got = await copyToMedium(src, dest, to)
    expect(got).toEqual({
      size: bytes.length,
      uncached: false,
      reason: `the file system of ${to} refuses uncached writes`
    })
  } finally {
    await src.close()
    await dest.close()
  }
  expect((await readFile(to)).equals(bytes)).toBe(true)
})
