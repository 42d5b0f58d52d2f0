/**
 * The Electron shell (src/main/index.ts) started against a mocked `electron`: it must create one
 * sandboxed window with the preload, guard navigation, bind one validated handler per request
 * and load the bundled renderer. Electron mode's e2e covers the real thing where the binary exists.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { requestChannel, requestNames } from '../../src/shared/request-names'

const dataDir = mkdtempSync(join(tmpdir(), 'maas-images-shell-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const h = vi.hoisted(() => {
  const handlers = new Map<string, (...a: unknown[]) => unknown>()
  const windows: Array<{
    options: Record<string, unknown>
    contents: Record<string, unknown>
    loaded: string[]
  }> = []
  const appListeners = new Map<string, (...a: unknown[]) => unknown>()
  let ready: () => void = () => {}
  const whenReady = new Promise<void>((r) => (ready = r))
  return { handlers, windows, appListeners, whenReady, ready: () => ready() }
})

vi.mock('electron-store', () => ({
  default: class {
    get() {
      return undefined
    }
    set() {}
  }
}))

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => []
    webContents: Record<string, unknown>
    constructor(options: Record<string, unknown>) {
      const contentListeners = new Map<string, unknown>()
      const mainFrame = { url: '' }
      this.webContents = {
        mainFrame,
        listeners: contentListeners,
        on: (e: string, fn: unknown) => contentListeners.set(e, fn),
        once: (e: string, fn: unknown) => contentListeners.set(`once:${e}`, fn),
        setWindowOpenHandler: (fn: unknown) => contentListeners.set('window-open', fn),
        send: vi.fn(),
        isDestroyed: () => false
      }
      h.windows.push({ options, contents: this.webContents, loaded: [] })
    }
    once() {}
    on() {}
    show() {}
    setBounds() {}
    maximize() {}
    loadFile(path: string) {
      h.windows.at(-1)!.loaded.push(path)
      return Promise.resolve()
    }
    loadURL(url: string) {
      h.windows.at(-1)!.loaded.push(url)
      return Promise.resolve()
    }
  }
  return {
    app: {
      isPackaged: false,
      getPath: () => join(tmpdir(), 'unused-userData'),
      setPath: vi.fn(),
      requestSingleInstanceLock: () => true,
      whenReady: () => h.whenReady,
      on: (e: string, fn: (...a: unknown[]) => unknown) => h.appListeners.set(e, fn),
      quit: vi.fn()
    },
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, fn: (...a: unknown[]) => unknown) => h.handlers.set(channel, fn),
      removeHandler: vi.fn()
    },
    shell: { openExternal: vi.fn(async () => {}) }
  }
})

describe('Electron shell start-up (mocked electron)', () => {
  it('creates one sandboxed window, binds every request and loads the renderer', async () => {
    process.argv.push('--data-dir', dataDir)
    delete process.env.ELECTRON_RENDERER_URL
    await import('../../src/main/index')
    h.ready()
    await vi.waitFor(() => expect(h.windows).toHaveLength(1), { timeout: 5000 })

    const win = h.windows[0]
    const prefs = win.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true })
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.js$/)
    expect(win.loaded).toHaveLength(1)
    expect(win.loaded[0]).toMatch(/renderer[\\/]index\.html$/)

    expect([...h.handlers.keys()].sort()).toEqual(requestNames.map(requestChannel).sort())
    const listeners = win.contents.listeners as Map<string, (e: { preventDefault(): void }) => void>
    const preventDefault = vi.fn()
    listeners.get('will-navigate')!({ preventDefault })
    expect(preventDefault).toHaveBeenCalled()
    const openHandler = listeners.get('window-open') as unknown as (d: { url: string }) => { action: string }
    expect(openHandler({ url: 'https://maas.io/' })).toEqual({ action: 'deny' })

    // A request from a frame that is not our window's main frame is refused...
    const handler = h.handlers.get(requestChannel('listBootSources'))!
    const stranger = {
      sender: { mainFrame: { url: 'https://evil/' } },
      senderFrame: { url: 'https://evil/' }
    }
    expect(await handler(stranger, undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' }
    })
    // ...and our own main frame, showing the bundled page, is served from the data directory.
    const frame = win.contents.mainFrame as { url: string }
    frame.url = `file://${win.loaded[0]}#/images`
    const ours = { sender: win.contents, senderFrame: frame }
    expect(await handler(ours, undefined)).toMatchObject({ ok: true, value: [{ id: 1 }] })
    const info = (await h.handlers.get(requestChannel('getAppInfo'))!(ours, undefined)) as {
      value: { data_dir: string }
    }
    expect(info.value.data_dir).toBe(dataDir)
  })
})
