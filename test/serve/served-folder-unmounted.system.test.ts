/**
 * A stick unmounted under a running server leaves its mount point: an empty folder of the host's file system.
 * The server notices the root's device changed and stops, naming the folder and the cause, instead of answering
 * from the folder beneath. The stick is a tmpfs (mounting needs root).
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { directoryMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer, type MirrorServer } from '../../src/main/serve/mirror-server'
import { mountTmpfs, type FuseMount } from '../support/fuse-mounts'

let tmp: string
let stick: FuseMount | null = null
let server: MirrorServer | null = null

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'maas-images-served-unmounted-'))
})
afterEach(async () => {
  await server?.close()
  await stick?.unmount()
  await rm(tmp, { recursive: true, force: true })
})

it.skipIf(process.getuid?.() !== 0)(
  'stops serving once the stick mounted at the folder is unmounted (skipped unless root: it mounts a tmpfs)',
  async () => {
    stick = await mountTmpfs(join(tmp, 'stick'), 1024 * 1024)
    await writeFile(join(stick.point, 'a.img'), 'on the stick')
    server = await startMirrorServer(await directoryMirror(stick.point), { port: 0, rootCheckMs: 3_600_000 })
    expect(await (await fetch(`${server.url}a.img`)).text()).toBe('on the stick')

    execFileSync('umount', [stick.point])
    // What the host has beneath the mount point, at the same name.
    await writeFile(join(stick.point, 'a.img'), 'beneath')
    const res = await fetch(`${server.url}a.img`)
    expect(res.status).toBe(503)
    expect(await res.text()).not.toContain('beneath')
    expect(await server.stopped).toBe(
      `${stick.point} is no longer the folder serving started with: the stick or disk mounted there was ` +
        'ejected or unmounted, and another file system is at that path now'
    )
  }
)
