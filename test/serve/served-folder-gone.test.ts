/**
 * A served folder is held to the one checked at start. When it is replaced or removed (a stick ejected or
 * pulled leaves its mount point behind), the server never answers from what is at that path now: the request
 * gets 503, and the server stops, its `stopped` naming the folder and the cause. Without a request, the
 * periodic check stops it too, so the status never says "serving" over a folder that is gone.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { directoryMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer, type MirrorServer } from '../../src/main/serve/mirror-server'

let tmp: string
let folder: string
let server: MirrorServer | null = null

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'maas-images-served-folder-'))
  folder = join(tmp, 'stick')
  await mkdir(join(folder, 'streams/v1'), { recursive: true })
  await writeFile(join(folder, 'streams/v1/index.json'), '{"from":"the stick"}')
})

afterEach(async () => {
  await server?.close()
  server = null
  await rm(tmp, { recursive: true, force: true })
})

/** Another folder at the same path, holding the same name with other bytes: what the host has beneath. */
async function replaceFolder(): Promise<void> {
  await rename(folder, join(tmp, 'ejected'))
  await mkdir(join(folder, 'streams/v1'), { recursive: true })
  await writeFile(join(folder, 'streams/v1/index.json'), '{"from":"the folder beneath"}')
}

describe('a served folder that is replaced or removed', () => {
  it('answers nothing from the folder now at that path, and stops, naming the folder and the cause', async () => {
    // No periodic check in this test: the request alone must notice.
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 3_600_000 })
    const before = await fetch(`${server.url}streams/v1/index.json`)
    expect(await before.text()).toBe('{"from":"the stick"}')

    await replaceFolder()
    const after = await fetch(`${server.url}streams/v1/index.json`)
    const body = await after.text()
    expect(after.status).toBe(503)
    expect(body).not.toContain('beneath')
    expect(body).toContain('serving stopped')
    expect(await server.stopped).toBe(
      `${folder} is no longer the folder serving started with: it was replaced by another folder`
    )
    // Stopped: the port no longer answers.
    await expect(fetch(`${server.url}streams/v1/index.json`)).rejects.toThrow()
  })

  it('a name missing from the folder is not looked up beneath it either', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 3_600_000 })
    await replaceFolder()
    await writeFile(join(folder, 'only-beneath.img'), 'x')
    const res = await fetch(`${server.url}only-beneath.img`)
    expect(res.status).toBe(503)
    expect(await server.stopped).toContain('replaced by another folder')
  })

  it('stops without any request once the folder is gone', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 20 })
    await rm(folder, { recursive: true })
    expect(await server.stopped).toBe(
      `${folder} is gone: the folder no longer exists (the stick or disk was ejected, unmounted or removed)`
    )
  })

  it('close() stops it with no reason; a folder that does not exist is refused at start', async () => {
    server = await startMirrorServer(await directoryMirror(folder), { port: 0, rootCheckMs: 20 })
    await server.close()
    expect(await server.stopped).toBeNull()
    await expect(directoryMirror(join(tmp, 'absent'))).rejects.toThrow(
      `cannot serve ${join(tmp, 'absent')}: there is no such folder`
    )
  })
})
