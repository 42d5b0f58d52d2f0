/**
 * A served stick that stops answering: a real FUSE file system (test/support/lying-fs.py --hang-when) whose reads
 * of a file never return, with no error, while its daemon answers nothing else either. After the stall time
 * limit (short here: an option of the serving gateway, and for the CLI its default, mocked below) the request
 * gets 503 without the folder's path, serving stops with the reason naming the folder (`servingStopped`), later
 * requests get no answer from the stick, and `serve dir=` exits 1 naming the folder and the cause.
 * Needs root, /dev/fuse and python3-fusepy: as root their absence fails, loudly; not as root it is skipped.
 * A stick left hung is unmounted by killing its daemon (mountLying's unmount), even when a test fails.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventMap } from '../../src/shared/ipc-contract'
import { AppEvents } from '../../src/main/services/events'
import { ServeGateway } from '../../src/main/services/serve-gateway'
import { mountLying, requireLyingFsTools } from '../support/fuse-mounts'
import { serveCli, type ServingCli } from '../support/serve-cli'

// The CLI has no option for it: its stall time limit, 30 s, is made half a second for this file.
const LIMIT_MS = vi.hoisted(() => 500)
vi.mock('../../src/main/net/limits', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/main/net/limits')>()),
  DEFAULT_STALL_TIMEOUT_MS: LIMIT_MS
}))

const root = process.getuid?.() === 0
let tmp: string
let stick: Awaited<ReturnType<typeof mountLying>> | undefined

beforeEach(async () => {
  if (!root) return
  requireLyingFsTools()
  tmp = await mkdtemp(join(tmpdir(), 'maas-images-served-hangs-'))
  stick = await mountLying(tmp, { name: 'hung-stick' })
  // Written to the backing folder, not through the mount: nothing of them is in the page cache.
  await mkdir(join(stick.backing, 'streams/v1'), { recursive: true })
  await writeFile(join(stick.backing, 'streams/v1/index.json'), '{"from":"the stick"}')
  await writeFile(join(stick.backing, 'a.img'), Buffer.alloc(64 * 1024, 7))
})

afterEach(async () => {
  await stick?.unmount().catch((e: unknown) => console.error(`unmount ${stick?.point}: ${String(e)}`))
  stick = undefined
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

const reason = (folder: string, ms: number): string =>
  `${folder}: the stick or disk stopped answering (no reply in ${ms} ms): it may be failing or was pulled ` +
  'out; plug it in again and check it with Verify before serving it'

describe.skipIf(!root)('a served stick that stops answering (skipped unless root: it mounts FUSE)', () => {
  it('answers 503 without the path, stops serving naming the folder, and tells every window', async () => {
    const events = new AppEvents()
    const serving = new ServeGateway({
      dataDir: join(tmp, 'data'),
      events,
      getSource: async () => {
        throw new Error('not reached in this test')
      },
      mayServeDirectory: () => true,
      rootCheckMs: 3_600_000,
      mediumTimeoutMs: 300
    })
    const status = await serving.start({ dir: stick!.point, port: 0 })
    expect(await (await fetch(`${status.url}streams/v1/index.json`)).text()).toBe('{"from":"the stick"}')
    const stopped = new Promise<EventMap['servingStopped']>((resolve) => events.on('servingStopped', resolve))

    await stick!.hang(['a.img'])
    const res = await fetch(`${status.url}a.img`)
    const body = await res.text()
    expect(res.status).toBe(503)
    expect(body).toContain('serving stopped')
    expect(body).not.toContain(tmp)
    await stick!.hung()
    expect((await stopped).stopped_reason).toBe(reason(stick!.point, 300))
    expect(serving.status()).toMatchObject({ serving: false, stopped_reason: reason(stick!.point, 300) })
    await expect(fetch(`${status.url}streams/v1/index.json`)).rejects.toThrow()
  })

  it('ends `serve dir=` with exit 1, naming the folder and the cause', async () => {
    const serving = (await serveCli(join(tmp, 'data'), `dir=${stick!.point}`)) as ServingCli
    expect(serving.url, JSON.stringify(serving)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(await (await fetch(`${serving.url}streams/v1/index.json`)).text()).toBe('{"from":"the stick"}')

    await stick!.hang(['a.img'])
    const res = await fetch(`${serving.url}a.img`)
    expect(res.status).toBe(503)
    expect(await res.text()).not.toContain(tmp)
    expect(await serving.exited).toBe(1)
    expect(serving.stderr()).toContain(`maas-images: serving stopped: ${reason(stick!.point, LIMIT_MS)}`)
  })
})
