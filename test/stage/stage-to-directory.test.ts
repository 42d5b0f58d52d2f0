/**
 * Staging onto a plain directory, through the CLI: the staged tree is exactly the upstream paths
 * with byte-identical signed files, a second stage copies nothing, and foreign targets are refused.
 * The same flow on FAT32, exFAT and a full tmpfs is in round-trip.system.test.ts (needs root).
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { files, sha256, stageCli, useImportedDataDir } from './imported-data-dir'

const imported = useImportedDataDir()

describe('staging onto a plain directory', () => {
  it('yields exactly the upstream paths, byte-identical signed files, and a second stage copies 0 bytes', async () => {
    const { env, tmp, dataDir, staged, signedDocs } = imported()
    const target = join(tmp, 'plain')
    const first = await stageCli(dataDir, target)
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

    const again = await stageCli(dataDir, target)
    expect(again.result).toMatchObject({ files_copied: 0, bytes_copied: 0, files_skipped: want.length - 2 })
  })

  it('refuses a non-empty directory that is not a mirror, and the data directory itself', async () => {
    const { tmp, dataDir } = imported()
    const foreign = join(tmp, 'foreign')
    await mkdir(foreign, { recursive: true })
    await writeFile(join(foreign, 'holiday.jpg'), 'a photo')
    const r = await stageCli(dataDir, foreign)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /refusing to stage into .*foreign: it is not empty and not a mirror \(holds holiday.jpg\)/
    )
    expect(await readdir(foreign)).toEqual(['holiday.jpg'])
    const inCache = await stageCli(dataDir, join(dataDir, 'cache', 'out'))
    expect(inCache.stderr).toMatch(/inside the data directory/)
  })
})
