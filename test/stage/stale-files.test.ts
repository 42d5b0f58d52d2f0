/**
 * A reused stick does not fill up: staging again removes what the previous staging's manifest lists and this
 * staging does not keep, after the new files are verified. Nothing else is touched: a file the manifest does
 * not list stays, a link at a listed name stays (and the file it points at is untouched), a folder link on the
 * way is not followed. The plan counts what will be freed in its one space figure; the CLI says what it removed.
 */
import { lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planStaging } from '../../src/main/stage/plan-staging'
import { SLACK_BYTES } from '../../src/main/stage/staging-space'
import type { BootSource } from '@shared/types'
import { files, stageCli, useImportedDataDir } from './imported-data-dir'
import { cli } from '../cli/cli-helpers'

const imported = useImportedDataDir()

const exists = (p: string): Promise<boolean> =>
  lstat(p).then(
    () => true,
    () => false
  )

describe('staging again onto a stick that holds an earlier staging', () => {
  it('removes only the files the previous manifest lists and this staging does not keep', async () => {
    const { tmp, dataDir } = imported()
    const target = join(tmp, 'reused')
    const outside = join(tmp, 'reused-outside')
    await mkdir(outside, { recursive: true })
    expect((await stageCli(dataDir, target)).code).toBe(0)
    const first = await files(target)

    // The previous staging (an older version) also wrote these, as its manifest says.
    const old = 'ubuntu/noble/amd64/20200101/squashfs'
    const oldDoc = 'streams/v1/com.ubuntu.maas:stable:v3:download-old.sjson'
    const linked = 'ubuntu/noble/amd64/20200101/boot-kernel'
    const behindFolderLink = 'ubuntu/elsewhere/boot-initrd'
    await mkdir(join(target, 'ubuntu/noble/amd64/20200101'), { recursive: true })
    await writeFile(join(target, old), Buffer.alloc(300_000, 1))
    await writeFile(join(target, oldDoc), 'an older products document')
    // A link at a listed name, to a file outside the stick: neither the link nor its file may go.
    await writeFile(join(outside, 'precious'), 'not the stick’s')
    await symlink(join(outside, 'precious'), join(target, linked))
    // A folder link on the way to a listed name: never followed.
    await writeFile(join(outside, 'boot-initrd'), 'also not the stick’s')
    await symlink(outside, join(target, 'ubuntu/elsewhere'))
    // A file the admin put there: not listed, never touched.
    await writeFile(join(target, 'ubuntu/noble/amd64/20200101/notes.txt'), 'mine')
    const manifestPath = join(target, 'maas-images-stage.json')
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'))
    manifest.items.push(
      { path: old, sha256: 'a'.repeat(64), size: 300_000 },
      { path: linked, sha256: 'b'.repeat(64), size: 15 },
      { path: behindFolderLink, sha256: 'c'.repeat(64), size: 20 }
    )
    manifest.documents.push(oldDoc)
    await writeFile(manifestPath, JSON.stringify(manifest))

    // The plan counts what removing them frees, in the same figure the refusal uses.
    const source = (await (await cli(dataDir, 'boot-source', 'read', '1')).json()) as BootSource
    const plan = await planStaging(dataDir, source, target)
    expect(plan.stale_files).toBe(2)
    expect(plan.freed).toBe(300_000 + 'an older products document'.length)
    expect(plan.needed).toBe(SLACK_BYTES)

    const again = await stageCli(dataDir, target)
    expect(again.code, again.stderr).toBe(0)
    expect(again.result).toMatchObject({ files_copied: 0, removed_files: 2 })
    expect(again.stderr).toMatch(
      /Removed 2 files \([\d.]+ KB\) of the previous staging that this one does not keep/
    )
    expect(await exists(join(target, old))).toBe(false)
    expect(await exists(join(target, oldDoc))).toBe(false)
    // Not listed: stays, and so its folder stays.
    expect(await readFile(join(target, 'ubuntu/noble/amd64/20200101/notes.txt'), 'utf8')).toBe('mine')
    // Listed, but a link: the link stays and its file is untouched; the folder link is not followed.
    expect(await readlink(join(target, linked))).toBe(join(outside, 'precious'))
    expect(await readFile(join(outside, 'precious'), 'utf8')).toBe('not the stick’s')
    expect(await readFile(join(outside, 'boot-initrd'), 'utf8')).toBe('also not the stick’s')
    // Everything this staging wrote is still there, and its manifest no longer lists the old files.
    for (const f of first) expect(await exists(join(target, f))).toBe(true)
    const now = JSON.parse(await readFile(manifestPath, 'utf8'))
    expect(now.items.map((i: { path: string }) => i.path)).not.toContain(old)
    expect(now.complete).toBe(true)
    expect(now.stale).toBeUndefined()
  })

  it('removes the folders the old files leave empty, and nothing when there is nothing stale', async () => {
    const { tmp, dataDir } = imported()
    const target = join(tmp, 'reused-2')
    expect((await stageCli(dataDir, target)).code).toBe(0)
    await mkdir(join(target, 'ubuntu/noble/amd64/20200101'), { recursive: true })
    await writeFile(join(target, 'ubuntu/noble/amd64/20200101/squashfs'), 'old')
    const manifestPath = join(target, 'maas-images-stage.json')
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'))
    manifest.items.push({ path: 'ubuntu/noble/amd64/20200101/squashfs', sha256: 'a'.repeat(64), size: 3 })
    await writeFile(manifestPath, JSON.stringify(manifest))
    const again = await stageCli(dataDir, target)
    expect(again.result).toMatchObject({ removed_files: 1, removed_bytes: 3 })
    // Its folders went with it, up to the first one that holds something else (streams/ and the rest stay).
    expect(await exists(join(target, 'ubuntu/noble'))).toBe(false)
    expect(await exists(join(target, 'streams/v1'))).toBe(true)
    const third = await stageCli(dataDir, target)
    expect(third.result).toMatchObject({ removed_files: 0, removed_bytes: 0 })
    expect(third.stderr).not.toMatch(/Removed/)
  })
})
