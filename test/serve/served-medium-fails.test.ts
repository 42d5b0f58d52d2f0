/**
 * A served stick pulled without unmounting keeps its root's device and inode (the kernel remembers them) while
 * every read fails with EIO; a FUSE mount whose daemon died answers ENOTCONN. The server must not answer such a
 * folder with 500s for ever: the request gets 503 without the folder's path, and the server stops with a reason
 * naming the folder and the cause. A read that fails mid-body ends that response short, with only the file's
 * own bytes. A missing file is still a plain 404 and stops nothing.
 */
import { OutgoingMessage, request } from 'node:http'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { directoryMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer, type MirrorServer } from '../../src/main/serve/mirror-server'
import { failReads, systemError, type FailingReads } from '../support/failing-medium'
import { receive, stickData, stickFolder } from '../support/served-stick'

const statFails = vi.hoisted(() => ({ path: null as string | null, code: '' }))
const openFails = vi.hoisted(() => ({ path: null as string | null, code: '' }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const stat = ((path: string, opts?: object) =>
    path === statFails.path
      ? Promise.reject(systemError(statFails.code, 'stat', path))
      : fs.stat(path, opts)) as typeof fs.stat
  const open = ((path: string, ...rest: []) =>
    path === openFails.path
      ? Promise.reject(systemError(openFails.code, 'open', path))
      : fs.open(path, ...rest)) as typeof fs.open
  return { ...fs, stat, open }
})

let tmp: string
let folder: string
let server: MirrorServer | null = null
let failing: FailingReads | null = null
const data = stickData

const reason = (words: string): string =>
  `${folder}: the stick or disk stopped answering (${words}): it may have been pulled out; ` +
  'plug it in again and check it with Verify before serving it'

beforeEach(async () => {
  ;({ tmp, folder } = await stickFolder('maas-images-served-medium-'))
})

afterEach(async () => {
  failing?.restore()
  failing = null
  statFails.path = null
  openFails.path = null
  await server?.close()
  server = null
  await rm(tmp, { recursive: true, force: true })
})


describe('a served folder whose medium stops answering', () => {
  it('answers 503 without the path when a read fails with EIO, and stops naming the folder and cause', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 3_600_000 })
    expect(await (await fetch(`${server.url}streams/v1/index.json`)).text()).toBe('{"from":"the stick"}')

    failing = await failReads('EIO')
    const res = await fetch(`${server.url}big.img`)
    const text = await res.text()
    expect(res.status).toBe(503)
    expect(text).toContain('serving stopped')
    expect(text).not.toContain(tmp)
    expect(failing.reads()).toBeGreaterThan(0)
    expect(await server.stopped).toBe(reason('input/output error'))
    await expect(fetch(`${server.url}streams/v1/index.json`)).rejects.toThrow()
  })

  it('ends a body cut by EIO short, with only the file bytes before it, and stops', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 3_600_000 })
    // The first 256 KiB read succeeds and is sent; the second fails.
    failing = await failReads('EIO', 2)
    const got = await receive(`${server.url}big.img`)
    expect(got.status).toBe(200)
    expect(got.complete).toBe(false)
    expect(got.body.length).toBeLessThan(data.length)
    expect(got.body.equals(data.subarray(0, got.body.length))).toBe(true)
    expect(await server.stopped).toBe(reason('input/output error'))
  })

  it('stops when a read fails with EIO after its client has already left', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 3_600_000 })
    let giveUp = (): void => undefined
    failing = await failReads('EIO', 1, new Promise<void>((resolve) => (giveUp = resolve)))
    const req = request(`${server.url}big.img`).on('error', () => undefined)
    req.end()
    await failing.failing
    const connections = server.connections
    const closed = new Promise<void>((resolve) =>
      connections.on('change', () => void (connections.open === 0 && resolve()))
    )
    req.destroy()
    await closed
    giveUp()
    expect(await server.stopped).toBe(reason('input/output error'))
  })

  it('stops without any request once stat of the root fails with ENOTCONN (a FUSE daemon died)', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 20 })
    statFails.code = 'ENOTCONN'
    statFails.path = folder
    expect(await server.stopped).toBe(reason('its file system is no longer connected'))
  })

  it('answers 503 and stops when opening a file fails with ENXIO (the device went away)', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 3_600_000 })
    openFails.code = 'ENXIO'
    openFails.path = join(folder, 'big.img')
    const res = await fetch(`${server.url}big.img`)
    expect(res.status).toBe(503)
    expect(await res.text()).not.toContain(tmp)
    expect(await server.stopped).toBe(reason('the device is no longer there'))
  })

  it('keeps serving when the connection to a client fails with ENOTCONN mid-body (the client, not the stick)', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 3_600_000 })
    const proto = OutgoingMessage.prototype as unknown as { write: (...a: unknown[]) => boolean }
    const original = proto.write
    let writes = 0
    proto.write = function (this: OutgoingMessage, ...args: unknown[]) {
      if (++writes < 2) return original.apply(this, args)
      // What a socket whose peer is gone reports: the callback gets ENOTCONN, the socket is destroyed.
      const done = args.find((a) => typeof a === 'function') as ((e: Error) => void) | undefined
      process.nextTick(() => done?.(systemError('ENOTCONN', 'write')))
      this.destroy()
      return false
    }
    try {
      const cut = await receive(`${server.url}big.img`)
      expect(cut.complete).toBe(false)
    } finally {
      proto.write = original
    }
    const res = await fetch(`${server.url}big.img`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true)
  })

  it('answers a missing file 404 and a read error of another kind 500, and keeps serving', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 3_600_000 })
    expect((await fetch(`${server.url}streams/v1/absent.json`)).status).toBe(404)
    failing = await failReads('EINVAL')
    expect((await fetch(`${server.url}big.img`)).status).toBe(500)
    failing.restore()
    expect((await fetch(`${server.url}big.img`)).status).toBe(200)
    const stopped = await Promise.race([server.stopped, Promise.resolve('still serving')])
    expect(stopped).toBe('still serving')
  })
})
