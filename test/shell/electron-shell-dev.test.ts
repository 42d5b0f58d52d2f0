/**
 * The same shell as a development build (`electron-vite dev`, import.meta.env.DEV true): only then
 * is ELECTRON_RENDERER_URL loaded, its origin (exactly) trusted, and DevTools available. The
 * production counterpart is in electron-shell.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { requestChannel } from '@shared/request-names'
import { mockState as h } from '../support/electron-mock'

const dataDir = mkdtempSync(join(tmpdir(), 'maas-images-shell-dev-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

vi.mock('electron-store', async () => (await import('../support/electron-mock')).electronStoreModule())
vi.mock('electron', async () => (await import('../support/electron-mock')).electronModule())

describe('Electron shell start-up (mocked electron, development build)', () => {
  it('loads the dev server, trusts exactly its origin and allows DevTools', async () => {
    process.argv.push('--data-dir', dataDir)
    vi.stubEnv('DEV', true)
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/')
    await import('../../src/main/index')
    h.ready()
    await vi.waitFor(() => expect(h.windows).toHaveLength(1), { timeout: 5000 })
    const win = h.windows[0]
    expect(win.loaded).toEqual(['http://localhost:5173/'])
    expect((win.options.webPreferences as { devTools: boolean }).devTools).toBe(true)

    const handler = h.handlers.get(requestChannel('listBootSources'))!
    const ours = { sender: win.contents, senderFrame: win.contents.mainFrame }
    win.contents.mainFrame.url = 'http://localhost:5173.evil.example/'
    expect(await handler(ours, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    win.contents.mainFrame.url = 'http://localhost:5173/#/images'
    expect(await handler(ours, undefined)).toMatchObject({ ok: true })
    expect(JSON.stringify(h.menuTemplate)).toContain('toggleDevTools')
  })
})
