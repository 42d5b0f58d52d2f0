/**
 * The Electron shell (src/main/index.ts) started against a mocked `electron` as a production build
 * (import.meta.env.DEV false): it must create one sandboxed window without DevTools, serve and load
 * the renderer from app://, deny every web permission, bind one validated handler per request that
 * trusts only the app:// origin exactly, open only allow-listed links, own the native pickers,
 * notify in the background and focus the existing window on a second launch. Electron mode's e2e
 * covers the real thing where the binary exists.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { requestChannel, requestNames } from '@shared/request-names'
import { mockState as h, type MockWindow } from '../support/electron-mock'

const dataDir = mkdtempSync(join(tmpdir(), 'maas-images-shell-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

vi.mock('electron-store', async () => (await import('../support/electron-mock')).electronStoreModule())
vi.mock('electron', async () => (await import('../support/electron-mock')).electronModule())

let win: MockWindow
const call = (name: string, event: unknown, arg?: unknown) =>
  h.handlers.get(requestChannel(name))!(event, arg) as Promise<{
    ok: boolean
    value?: unknown
    error?: { code: string; message: string }
  }>
const fromOurPage = () => ({ sender: win.contents, senderFrame: win.contents.mainFrame })

beforeAll(async () => {
  process.argv.push('--data-dir', dataDir)
  // A production build, started with a dev-server URL in the environment: it must be ignored.
  vi.stubEnv('DEV', false)
  vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/')
  await import('../../src/main/index')
  h.ready()
  await vi.waitFor(() => expect(h.windows).toHaveLength(1), { timeout: 10_000 })
  win = h.windows[0]
})

describe('Electron shell start-up (mocked electron, production build)', () => {
  it('creates one sandboxed window without DevTools and loads app://, ignoring ELECTRON_RENDERER_URL', () => {
    const prefs = win.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      devTools: false
    })
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.js$/)
    expect(win.loaded).toEqual(['app://maas-images/index.html'])
    expect(win.options.title).toBe('MAAS Images')
    expect(win.options.icon).toMatchObject({ path: expect.stringMatching(/icons[\\/]512x512\.png$/) })
  })

  it('registers app:// as a privileged standard scheme before ready and serves the renderer from it', async () => {
    expect(h.schemesRegisteredWhenReady).toEqual([false])
    expect(h.privilegedSchemes).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true })
      })
    ])
    const handle = h.protocolHandlers.get('app')!
    const page = await handle(new Request('app://maas-images/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await page.text()).toContain('Content-Security-Policy')
    // The test runs from src/main, so the "renderer folder" is src/renderer: its sibling is off limits.
    for (const url of [
      'app://maas-images/%2e%2e/main/index.ts',
      'app://maas-images/..%2fmain%2findex.ts',
      'app://other-host/index.html'
    ]) {
      expect((await handle(new Request(url))).status, url).toBeGreaterThanOrEqual(400)
    }
    expect((await handle(new Request('app://maas-images/no-such.js'))).status).toBe(404)
  })

  it('denies every permission request, permission check and device permission', () => {
    const callback = vi.fn()
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      h.permission.request!(win.contents, permission, callback, {})
    }
    expect(callback.mock.calls).toEqual(Array(5).fill([false]))
    expect(h.permission.check!(win.contents, 'notifications', 'app://maas-images', {})).toBe(false)
    expect(h.permission.device!({ deviceType: 'usb', origin: 'app://maas-images' })).toBe(false)
  })

  it('binds every request and trusts only the exact app:// origin in our main frame', async () => {
    expect([...h.handlers.keys()].sort()).toEqual(requestNames.map(requestChannel).sort())
    const listeners = win.contents.listeners as Map<string, (e: { preventDefault(): void }) => void>
    const preventDefault = vi.fn()
    listeners.get('will-navigate')!({ preventDefault })
    expect(preventDefault).toHaveBeenCalled()

    const stranger = {
      sender: { mainFrame: { url: 'https://evil/' } },
      senderFrame: { url: 'https://evil/' }
    }
    expect(await call('listBootSources', stranger)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' }
    })
    for (const url of [
      'app://maas-images.evil/index.html',
      'app://maas-imagesx/index.html',
      'http://localhost:5173/',
      'file:///work/out/renderer/index.html'
    ]) {
      win.contents.mainFrame.url = url
      expect(await call('listBootSources', fromOurPage()), url).toMatchObject({
        ok: false,
        error: { code: 'forbidden_sender' }
      })
    }
    win.contents.mainFrame.url = 'app://maas-images/index.html#/images'
    expect(await call('listBootSources', fromOurPage())).toMatchObject({ ok: true, value: [{ id: 1 }] })
    const info = (await call('getAppInfo', fromOurPage())) as { value: { data_dir: string } }
    expect(info.value.data_dir).toBe(dataDir)
  })

  it('opens only allow-listed https links in the browser, from a request or a clicked link', async () => {
    win.contents.mainFrame.url = 'app://maas-images/index.html'
    expect(await call('openExternal', fromOurPage(), { url: 'https://evil.example/' })).toMatchObject({
      ok: false,
      error: { message: 'not an allowed link: https://evil.example/' }
    })
    const openHandler = win.contents.listeners.get('window-open') as (d: { url: string }) => {
      action: string
    }
    expect(openHandler({ url: 'https://maas.io.evil.example/' })).toEqual({ action: 'deny' })
    expect(h.openExternal).not.toHaveBeenCalled()
    expect(await call('openExternal', fromOurPage(), { url: 'https://maas.io/docs' })).toMatchObject({
      ok: true
    })
    expect(h.openExternal).toHaveBeenCalledWith('https://maas.io/docs')
  })

  it('shows the native pickers over the window and remembers the pick as the next default', async () => {
    win.contents.mainFrame.url = 'app://maas-images/index.html'
    h.dialogResult = { canceled: false, filePaths: ['/home/admin/ring.gpg'] }
    expect(await call('pickKeyringFile', fromOurPage())).toEqual({
      ok: true,
      value: { path: '/home/admin/ring.gpg' }
    })
    expect(await call('pickKeyringFile', fromOurPage())).toMatchObject({ ok: true })
    const [first, second] = h.dialogCalls.map((c) => c[1] as { defaultPath?: string; properties: string[] })
    expect(first.defaultPath).toBe('/usr/share/keyrings')
    expect(first.properties).toContain('openFile')
    expect(second.defaultPath).toBe('/home/admin/ring.gpg')

    h.dialogResult = { canceled: true, filePaths: [] }
    expect(await call('pickDirectory', fromOurPage())).toEqual({ ok: true, value: { path: null } })
    expect((h.dialogCalls[2][1] as { properties: string[] }).properties).toContain('openDirectory')
    // The pickers take no argument: a path from the page is refused, never trusted.
    expect(await call('pickDirectory', fromOurPage(), { defaultPath: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument' }
    })
  })

  it('has an application menu with Edit, View zoom and Help → About, and no DevTools in production', () => {
    const menu = JSON.stringify(h.menuTemplate)
    expect(menu).toContain('"role":"editMenu"')
    expect(menu).toContain('"role":"zoomIn"')
    expect(menu).toContain('About MAAS Images')
    expect(menu).not.toContain('toggleDevTools')
  })

  it('focuses (and restores) the existing window when a second instance starts', () => {
    win.minimized = true
    win.calls.length = 0
    h.appListeners.get('second-instance')!()
    expect(win.calls).toEqual(['restore', 'show', 'focus'])
  })

  it('stays in the tray when its last window closes while automatic sync is on, and says so', async () => {
    vi.stubEnv('XDG_CURRENT_DESKTOP', 'KDE')
    const quit = (await import('electron')).app.quit as ReturnType<typeof vi.fn>
    quit.mockClear()
    h.notifications.length = 0
    h.appListeners.get('window-all-closed')!()
    await vi.waitFor(() => expect(h.trays).toHaveLength(1), { timeout: 10_000 })
    await vi.waitFor(() => expect(h.notifications.map((n) => n.title)).toEqual(['MAAS Images keeps syncing']), {
      timeout: 10_000
    })
    expect(quit).not.toHaveBeenCalled()
    expect(h.trays[0].menu.map((i) => [i.label, i.enabled])).toEqual([
      ['Open MAAS Images', true],
      ['Sync now', true],
      ['No import running', false],
      ['Quit', true]
    ])
    h.trays[0].menu.find((i) => i.label === 'Quit')!.click!()
    expect(quit).toHaveBeenCalledTimes(1)
  })
})
