/**
 * A proxy password must never leave main: not in error messages (IPC, WebSocket, CLI stderr), not in
 * last-import.json or importFinished, not in what getSettings/updateSettings return.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cli } from '../cli/cli-helpers'
import { createMainServices } from '../../src/main/services'
import { scrubImportResult } from '../../src/main/import/engine'
import { AppError, toErrorShape } from '@shared/errors'
import { scrubSecrets } from '@shared/scrub-secrets'
import { PASSWORD_MASK } from '@shared/proxy-url'
import { handleRequest } from '../../src/main/services/handle-request'
import { proxyFor } from '../../src/main/net/proxy'
import { KEYRING_SWITCH } from '../../src/main/core/system-keyring'

const SECRET = 's3cret-Pw'
let dir: string
// These tests are about the password in settings.json: a desktop's own keyring is kept out of them
// (test/core/proxy-keyring.system.test.ts covers the keyring).
vi.stubEnv(KEYRING_SWITCH, 'off')
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-secrets-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const services = async () => (await createMainServices({ dataDir: dir, version: '0', host: 'cli' })).services

function storeSettings(proxy: Record<string, string>): void {
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ proxy: { no_proxy: '', ...proxy } }))
}

describe('scrubbing', () => {
  it('removes the password of any URL, with or without a scheme', () => {
    const text = `fetching http://admin:${SECRET}@proxy:3128/x via "admin:${SECRET}@proxy.lan:3128" and ftp://u:p@ss@h/`
    const out = scrubSecrets(text)
    expect(out).not.toContain(SECRET)
    expect(out).not.toContain('p@ss')
    expect(out).toContain('http://admin:***@proxy:3128/x')
    expect(out).toContain('ftp://u:***@h/')
  })

  it('is applied when errors are built and again where they leave main', () => {
    expect(new AppError('network', `via http://a:${SECRET}@p/`).message).not.toContain(SECRET)
    // A library's plain Error carries the URL as it was given.
    expect(toErrorShape(new Error(`bad http://a:${SECRET}@p/`)).message).not.toContain(SECRET)
    const result = scrubImportResult({
      ok: false,
      started_at: '',
      finished_at: '',
      downloaded_bytes: 0,
      failures: [{ code: 'network', file: `http://a:${SECRET}@p/f`, message: `http://a:${SECRET}@p/` }],
      notes: [`via a:${SECRET}@p:3128`],
      stopped: false
    })
    expect(JSON.stringify(result)).not.toContain(SECRET)
  })

  it('catches a stored password wherever it shows up once main has read the settings', async () => {
    storeSettings({ http_proxy: `http://admin:${SECRET}@proxy.lan:3128/`, https_proxy: '' })
    await (await services()).getSettings(undefined)
    expect(toErrorShape(new Error(`proxy said: bad password ${SECRET}`)).message).not.toContain(SECRET)
  })
})

describe('a proxy password stored in settings', () => {
  it('is scrubbed from a last-import.json an older version wrote', async () => {
    const failure = { code: 'network', message: `network error via http://admin:${SECRET}@proxy.lan:3128/` }
    writeFileSync(
      join(dir, 'last-import.json'),
      JSON.stringify({
        ok: false,
        started_at: '',
        finished_at: '',
        downloaded_bytes: 0,
        failures: [failure],
        notes: [],
        stopped: false
      })
    )
    const status = await (await services()).getImportStatus(undefined)
    expect(status.last_result?.failures[0].message).toMatch(/network error via http:\/\/admin:\*\*\*@proxy/)
    expect(JSON.stringify(status)).not.toContain(SECRET)
  })

  it('is scrubbed in its Proxy-Authorization form once used', () => {
    proxyFor(new URL('http://images.maas.io/'), { http_proxy: `http://admin:${SECRET}@proxy.lan:3128/` })
    const header = Buffer.from(`admin:${SECRET}`).toString('base64')
    expect(toErrorShape(new Error(`407: Basic ${header} refused`)).message).not.toContain(header)
  })

  it('is masked in what the renderer and the CLI receive', async () => {
    storeSettings({ http_proxy: `http://admin:${SECRET}@proxy.lan:3128/`, https_proxy: '' })
    const s = await services()
    const got = await handleRequest(s, 'getSettings', undefined)
    expect(JSON.stringify(got)).not.toContain(SECRET)
    expect(got).toMatchObject({
      ok: true,
      value: { proxy: { http_proxy: `http://admin:${PASSWORD_MASK}@proxy.lan:3128/` } }
    })
    const r = await cli(dir, 'settings', 'read')
    expect(r.stdout).not.toContain(SECRET)
    expect(r.json()).toMatchObject({
      proxy_password_storage: {
        where: 'file',
        message: `Proxy password: kept in settings.json (mode 0600): the system keyring is turned off (${KEYRING_SWITCH}=off)`
      }
    })
  })

  it('is kept when the mask comes back for the same user and proxy, refused for another host', async () => {
    storeSettings({ http_proxy: `http://admin:${SECRET}@proxy.lan:3128/`, https_proxy: '' })
    const s = await services()
    const masked = `http://admin:${PASSWORD_MASK}@proxy.lan:3128/`
    const back = await handleRequest(s, 'updateSettings', { connections: 4, proxy: { http_proxy: masked } })
    expect(back).toMatchObject({ ok: true, value: { connections: 4, proxy: { http_proxy: masked } } })
    const stored = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))
    expect(stored.proxy.http_proxy).toBe(`http://admin:${SECRET}@proxy.lan:3128/`)

    const moved = await handleRequest(s, 'updateSettings', {
      proxy: { http_proxy: `http://admin:${PASSWORD_MASK}@evil.example:3128/` }
    })
    expect(moved).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/type the password again/) }
    })
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).proxy.http_proxy).toContain(SECRET)
  })

  it('an https:// proxy is refused when set, by the same rule the renderer uses', async () => {
    const s = await services()
    const r = await handleRequest(s, 'updateSettings', {
      proxy: { https_proxy: `https://a:${SECRET}@p:3128` }
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(JSON.stringify(r)).not.toContain(SECRET)
    const c = await cli(dir, 'settings', 'update', `https_proxy=https://a:${SECRET}@p:3128`)
    expect(c.code).toBe(2)
    expect(c.stderr).toMatch(/Only http:\/\/ proxies/)
    expect(c.stderr).not.toContain(SECRET)
  })

  it('never reaches stderr, last-import.json or the import status when a sync fails on it', async () => {
    // As an older version could store it: an https:// proxy, which main cannot use.
    storeSettings({ http_proxy: '', https_proxy: `https://admin:${SECRET}@proxy.invalid:3128` })
    const r = await cli(dir, 'boot-resources', 'import', '--wait')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/https_proxy setting/)
    expect(r.stderr).not.toContain(SECRET)
    const last = readFileSync(join(dir, 'last-import.json'), 'utf8')
    expect(last).toMatch(/https_proxy setting/)
    expect(last).not.toContain(SECRET)
    const status = await (await services()).getImportStatus(undefined)
    expect(JSON.stringify(status)).not.toContain(SECRET)
  })
})
