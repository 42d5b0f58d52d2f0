/**
 * Hostile directory mirrors (a USB stick is as untrusted as a server): special files, symlinks out of the root,
 * and cancellation of local reads. Each must fail promptly with a named cause and cache nothing.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fetchBytes } from '../../src/main/net/fetch-bytes'
import { DEFAULT_STALL_TIMEOUT_MS } from '../../src/main/net/limits'
import { bounded } from '../../src/main/net/local-file'
import { readStream } from '../../src/main/streams/read-stream'
import { verifyMirror } from '../../src/main/streams/verify-mirror'
import { hostileMirror, type HostileMirror } from './hostile-mirror'

let m: HostileMirror | undefined
afterEach(async () => {
  await m?.cleanup()
  m = undefined
})

const INDEX = 'streams/v1/index.sjson'

async function replaceWithLink(mirror: HostileMirror, rel: string, target: string): Promise<string> {
  const at = join(mirror.stream.dir, rel)
  await rm(at, { force: true })
  await symlink(target, at)
  return at
}

const readDir = (mirror: HostileMirror, signal?: AbortSignal) =>
  readStream({ url: mirror.stream.dir, keyring: mirror.keyring, metadataCacheDir: mirror.cacheDir, signal })

describe('hostile directory mirrors', () => {
  it('refuses an index that is a symlink to /dev/zero at once (an unbounded read would never end)', async () => {
    m = await hostileMirror()
    const at = await replaceWithLink(m, INDEX, '/dev/zero')
    const refused = `${at} is a link that leads outside the mirror root ${m.stream.dir}: refused`
    await expect(readDir(m)).rejects.toThrow(refused)
    expect(await m.cachedFiles()).toEqual([])
    const r = await verifyMirror(m.stream.dir, m.keyring)
    expect(r.ok).toBe(false)
    expect(r.problems).toEqual([refused])
  })

  it('refuses a device even where no mirror root applies, without reading it', async () => {
    // Read, it would be refused at the 1 KiB cap, with another message.
    await expect(fetchBytes('/dev/zero', { maxBytes: 1024 })).rejects.toThrow(
      '/dev/zero is a device, expected a regular file: refused'
    )
  })

  it('refuses an index that is a FIFO without blocking on it', async () => {
    m = await hostileMirror()
    const at = join(m.stream.dir, INDEX)
    await rm(at)
    execFileSync('mkfifo', [at])
    await expect(readDir(m)).rejects.toThrow(`${at} is a FIFO, expected a regular file: refused`)
    expect(await m.cachedFiles()).toEqual([])
  })

  it('refuses metadata whose symlink leads outside the mirror root, even a validly signed copy', async () => {
    m = await hostileMirror()
    const outside = join(m.tmp, 'elsewhere', 'index.sjson')
    await mkdir(join(m.tmp, 'elsewhere'))
    await copyFile(join(m.stream.dir, INDEX), outside)
    const at = await replaceWithLink(m, INDEX, outside)
    await expect(readDir(m)).rejects.toThrow(
      `${at} is a link that leads outside the mirror root ${m.stream.dir}: refused`
    )
    expect(await m.cachedFiles()).toEqual([])
  })

  it('deep verify refuses an item linked outside the root without revealing its size or sha256', async () => {
    m = await hostileMirror()
    const secret = Buffer.alloc(12_345, 'secret ')
    const secretSha = createHash('sha256').update(secret).digest('hex')
    const outside = join(m.tmp, 'private-file')
    await writeFile(outside, secret)
    const item = m.stream.items[0]
    const at = await replaceWithLink(m, item.path, outside)
    const r = await verifyMirror(m.stream.dir, m.keyring, { deep: true })
    const checked = r.items?.find((i) => i.path === item.path)
    expect(checked).toEqual({
      path: item.path,
      ok: false,
      problem: `${at} is a link that leads outside the mirror root ${m.stream.dir}: refused`
    })
    const everything = JSON.stringify(r)
    expect(everything).not.toContain('12345')
    expect(everything).not.toContain(secretSha)
  })

  it('deep verify refuses an item that is a special file (a FIFO) by name, without blocking', async () => {
    m = await hostileMirror()
    const item = m.stream.items[0]
    const at = join(m.stream.dir, item.path)
    await rm(at)
    execFileSync('mkfifo', [at])
    const r = await verifyMirror(m.stream.dir, m.keyring, { deep: true })
    expect(r.items?.find((i) => i.path === item.path)).toEqual({
      path: item.path,
      ok: false,
      problem: `${at} is a FIFO, expected a regular file: refused`
    })
  })

  it('deep verify refuses an item linked to /dev/zero (outside the root) at once', async () => {
    m = await hostileMirror()
    const item = m.stream.items[0]
    const at = await replaceWithLink(m, item.path, '/dev/zero')
    const r = await verifyMirror(m.stream.dir, m.keyring, { deep: true })
    expect(r.items?.find((i) => i.path === item.path)).toEqual({
      path: item.path,
      ok: false,
      problem: `${at} is a link that leads outside the mirror root ${m.stream.dir}: refused`
    })
  })

  it('stops a local read when the abort signal fires (Ctrl-C reaches directory mirrors)', async () => {
    m = await hostileMirror()
    const controller = new AbortController()
    controller.abort(new Error('interrupted by SIGINT'))
    // The keyring is the first local read (it takes the signal too), then the index.
    await expect(readDir(m, controller.signal)).rejects.toThrow(`cancelled reading ${m.stream.keyringPath}`)
    await expect(
      readStream({
        url: m.stream.dir,
        keyring: { keyring_data: (await readFile(m.stream.keyringPath)).toString('base64') },
        signal: controller.signal
      })
    ).rejects.toThrow(`cancelled reading ${join(m.stream.dir, INDEX)}`)
    expect(await m.cachedFiles()).toEqual([])
  })

  it('gives up on a local read that never completes (hung filesystem) after the timeout', async () => {
    const never = new Promise<never>(() => {})
    const started = Date.now()
    await expect(bounded(never, '/media/stuck/index.sjson', { timeoutMs: 200 })).rejects.toThrow(
      '/media/stuck/index.sjson: the stick or disk stopped answering (no reply in 200 ms): ' +
        'it may be failing or was pulled out'
    )
    // The 200 ms given ended it, not the default (the message is built from the same option).
    expect(Date.now() - started).toBeLessThan(DEFAULT_STALL_TIMEOUT_MS / 2)
  })

  it('refuses a local document over the cap without reading it whole', async () => {
    m = await hostileMirror()
    const at = join(m.stream.dir, INDEX)
    await writeFile(at, Buffer.alloc(5000, ' '))
    await expect(
      readStream({ url: m.stream.dir, keyring: m.keyring, maxMetadataBytes: 4096 })
    ).rejects.toThrow(`metadata over 4 KiB: ${at}`)
  })

  it('stops at the cap when a regular file yields more than its stat size (a /proc file reports 0 bytes)', async () => {
    // /proc/self/maps is a regular file whose fstat size is 0 but which reads as several KiB: only the read
    // loop's own count, not fstat, can stop it.
    await expect(fetchBytes('/proc/self/maps', { maxBytes: 100 })).rejects.toThrow(
      'metadata over 100 bytes: /proc/self/maps'
    )
  })
})
