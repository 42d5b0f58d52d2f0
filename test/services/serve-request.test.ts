/**
 * startServing is one request for the app's Serve switch and the CLI's `serve`: a boot source's cache or a
 * staged directory, never both. In the app a directory must be one the user chose in main's folder dialog,
 * so the renderer cannot have main serve an arbitrary path; the CLI's user typed it themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMainServices, type MainServices } from '../../src/main/services'

let dir: string
let staged: string
const opened: MainServices[] = []

async function open(host: 'app' | 'cli', picks: string[] = []): Promise<MainServices> {
  const main = await createMainServices({
    dataDir: join(dir, host),
    version: '0',
    host,
    pickPath: async () => picks.shift() ?? null
  })
  opened.push(main)
  return main
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-serve-req-'))
  staged = mkdtempSync(join(dir, 'stick-'))
})
afterEach(async () => {
  for (const m of opened.splice(0)) await m.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('startServing', () => {
  it('takes a boot source or a staged directory, not both and not neither', async () => {
    const main = await open('cli')
    for (const arg of [{}, { boot_source_id: 1, dir: staged }]) {
      await expect(main.request('startServing', arg)).rejects.toMatchObject({
        code: 'invalid_argument',
        message: expect.stringContaining('give a boot source or a staged directory to serve, not both')
      })
    }
    await expect(
      main.request('startServing', { dir: staged, lan: true, bind: '::1', port: 0 })
    ).rejects.toMatchObject({
      code: 'invalid_argument'
    })
  })

  it('in the app, serves only a directory the user picked in main’s dialog', async () => {
    const main = await open('app', [staged])
    await expect(main.request('startServing', { dir: staged })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: `choose the directory to serve with the folder picker: ${staged}`
    })
    expect((await main.request('getServingStatus', undefined)).serving).toBe(false)
    expect(await main.request('pickDirectory', undefined)).toEqual({ path: staged })
    const status = await main.request('startServing', { dir: staged, port: 0 })
    expect(status).toMatchObject({ serving: true, address: '127.0.0.1', boot_source_id: null })
    expect(status.label).toContain(staged)
    expect((await main.request('stopServing', undefined)).serving).toBe(false)
  })

  it('from the CLI, serves the directory its user typed', async () => {
    const main = await open('cli')
    const status = await main.request('startServing', { dir: staged, port: 0, bind: '127.0.0.1' })
    expect(status).toMatchObject({
      serving: true,
      address: '127.0.0.1',
      label: expect.stringContaining(staged)
    })
    expect((await main.request('stopServing', undefined)).serving).toBe(false)
  })
})
