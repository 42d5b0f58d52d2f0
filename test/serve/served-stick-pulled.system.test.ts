/**
 * A stick pulled without unmounting, under `maas-images serve dir=`: a real FUSE file system
 * (test/support/lying-fs.py) whose reads of file data start failing with EIO on demand while its names and
 * attributes still answer, so the folder's device and inode stay the same. The request gets 503 without the
 * folder's path, and the CLI stops serving and exits 1 with the reason naming the folder and the cause.
 * Needs root, /dev/fuse and python3-fusepy: as root their absence fails, loudly; not as root it is skipped.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mountLying, requireLyingFsTools } from '../support/fuse-mounts'
import { serveCli, type ServingCli } from '../support/serve-cli'

const root = process.getuid?.() === 0
let tmp: string
let stick: Awaited<ReturnType<typeof mountLying>> | undefined

beforeAll(async () => {
  if (!root) return
  requireLyingFsTools()
  tmp = await mkdtemp(join(tmpdir(), 'maas-images-served-pulled-'))
  stick = await mountLying(tmp, { name: 'pulled-stick' })
  // Written to the backing folder, not through the mount: nothing of them is in the page cache.
  await mkdir(join(stick.backing, 'streams/v1'), { recursive: true })
  await writeFile(join(stick.backing, 'streams/v1/index.json'), '{"from":"the stick"}')
  await writeFile(join(stick.backing, 'a.img'), Buffer.alloc(64 * 1024, 7))
})

afterAll(async () => {
  await stick?.unmount().catch((e: unknown) => console.error(`unmount ${stick?.point}: ${String(e)}`))
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

describe.skipIf(!root)('a served stick pulled without unmounting (skipped unless root: it mounts FUSE)', () => {
  it('answers 503 without the path, and serve dir= exits 1 naming the folder and the cause', async () => {
    const serving = (await serveCli(join(tmp, 'data'), `dir=${stick!.point}`)) as ServingCli
    expect(serving.url, JSON.stringify(serving)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(await (await fetch(`${serving.url}streams/v1/index.json`)).text()).toBe('{"from":"the stick"}')

    await stick!.pull()
    const res = await fetch(`${serving.url}a.img`)
    const body = await res.text()
    expect(res.status).toBe(503)
    expect(body).toContain('serving stopped')
    expect(body).not.toContain(tmp)
    expect(await serving.exited).toBe(1)
    expect(serving.stderr()).toContain(
      `maas-images: serving stopped: ${stick!.point}: the stick or disk stopped answering ` +
        '(input/output error): it may have been pulled out; plug it in again and check it with Verify ' +
        'before serving it'
    )
  })
})
