/**
 * What staging leaves on a stick's file system: FAT32 (fusefat) and exFAT (exfat-fuse on a loop device) hand
 * out clusters as each file grows, so files written at the same time interleave. Staging writes one file at
 * a time there (stage/copy-limits.ts), and every staged file must lie in one piece, read from the image's own
 * FAT and directories (test/support/fat-layout.ts). Needs root and the FUSE tools: their absence fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imageLayout, pieces } from '../support/fat-layout'
import { mountExfat, mountFat32, requireFuseTools, type FuseMount } from '../support/fuse-mounts'
import { importedDataDir, stageCli, type ImportedDataDir } from './imported-data-dir'

let src: ImportedDataDir

beforeAll(async () => {
  requireFuseTools()
  // Items of a few MiB (the largest about 8), several 1 MiB writes each: enough to interleave.
  src = await importedDataDir(0.02)
}, 180_000)
afterAll(async () => {
  await src?.close()
})

async function stageAndRead(mount: (dir: string, mib: number) => Promise<FuseMount>): Promise<void> {
  const stick = await mount(src.tmp, 96)
  try {
    const r = await stageCli(src.dataDir, stick.point)
    expect(r.code, r.stderr).toBe(0)
  } finally {
    await stick.unmount()
  }
  const layout = await imageLayout(stick.image)
  const items = layout.files.filter((f) => f.size > 2 * 1024 * 1024)
  // The reader is right about the image: every file has exactly the clusters its size needs.
  for (const f of layout.files)
    expect({ path: f.path, clusters: f.clusters.length }).toEqual({
      path: f.path,
      clusters: Math.ceil(f.size / layout.clusterBytes)
    })
  expect(items.length, 'items large enough to interleave').toBeGreaterThanOrEqual(3)
  const split = layout.files
    .filter((f) => pieces(f.clusters) > 1)
    .map((f) => `${f.path}: ${pieces(f.clusters)} pieces`)
  expect(split).toEqual([])
}

describe('staging onto a stick leaves every file in one piece', () => {
  it('on FAT32 (fusefat)', async () => {
    await stageAndRead(mountFat32)
  }, 180_000)

  it('on exFAT (exfat-fuse)', async () => {
    await stageAndRead(mountExfat)
  }, 180_000)
})
