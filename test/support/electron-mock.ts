/**
 * A stand-in for the `electron` module, recording what the shell (src/main/index.ts) does with it,
 * for the start-up tests in test/shell/electron-shell*.test.ts. Use it from a vi.mock factory:
 *   vi.mock('electron', async () => (await import('../support/electron-mock')).electronModule())
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { vi } from 'vitest'

type Fn = (...a: unknown[]) => unknown

export interface MockWindow {
  options: Record<string, unknown>
  contents: Record<string, unknown> & { mainFrame: { url: string }; listeners: Map<string, Fn> }
  loaded: string[]
  calls: string[]
  focused: boolean
  minimized: boolean
}

export const mockState = {
  handlers: new Map<string, Fn>(),
  windows: [] as MockWindow[],
  appListeners: new Map<string, Fn>(),
  privilegedSchemes: [] as unknown[],
  /** whether app was ready when registerSchemesAsPrivileged ran (Electron requires: not yet) */
  schemesRegisteredWhenReady: [] as boolean[],
  isReady: false,
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  permission: {} as { request?: Fn; check?: Fn; device?: Fn },
  menuTemplate: null as unknown,
  notifications: [] as Array<{ title: string; body: string }>,
  trays: [] as Array<{
    menu: Array<{ label: string; enabled: boolean; click?: Fn }>
    toolTip: string
    destroyed: boolean
  }>,
  openExternal: vi.fn(async (_url: string) => {}),
  dialogResult: { canceled: false, filePaths: ['/home/admin/ring.gpg'] } as {
    canceled: boolean
    filePaths: string[]
  },
  dialogCalls: [] as unknown[][],
  ready: () => {},
  whenReady: Promise.resolve()
}
mockState.whenReady = new Promise<void>(
  (r) =>
    (mockState.ready = () => {
      mockState.isReady = true
      r()
    })
)

/** `electron-store` that keeps nothing: the window's saved state starts empty in every shell test. */
export function electronStoreModule() {
  return {
    default: class {
      get() {
        return undefined
      }
      set() {}
    }
  }
}

export function electronModule() {
  const s = mockState
  class BrowserWindow {
    static getAllWindows = () => s.windows
    webContents: MockWindow['contents']
    readonly record: MockWindow
    constructor(options: Record<string, unknown>) {
      const listeners = new Map<string, Fn>()
      this.webContents = {
        mainFrame: { url: '' },
        listeners,
        on: (e: string, fn: Fn) => listeners.set(e, fn),
        once: (e: string, fn: Fn) => listeners.set(`once:${e}`, fn),
        setWindowOpenHandler: (fn: Fn) => listeners.set('window-open', fn),
        send: vi.fn(),
        isDestroyed: () => false
      }
      this.record = {
        options,
        contents: this.webContents,
        loaded: [],
        calls: [],
        focused: true,
        minimized: false
      }
      s.windows.push(this.record)
    }
    once() {}
    on() {}
    show() {
      this.record.calls.push('show')
    }
    focus() {
      this.record.calls.push('focus')
    }
    restore() {
      this.record.calls.push('restore')
      this.record.minimized = false
    }
    isMinimized() {
      return this.record.minimized
    }
    isFocused() {
      return this.record.focused
    }
    isDestroyed() {
      return false
    }
    setBounds() {}
    maximize() {}
    loadFile(path: string) {
      this.record.loaded.push(path)
      return Promise.resolve()
    }
    loadURL(url: string) {
      this.record.loaded.push(url)
      return Promise.resolve()
    }
  }
  class Notification {
    static isSupported = () => true
    constructor(readonly note: { title: string; body: string }) {}
    show() {
      s.notifications.push({ title: this.note.title, body: this.note.body })
    }
  }
  class Tray {
    readonly record = {
      menu: [] as Array<{ label: string; enabled: boolean; click?: Fn }>,
      toolTip: '',
      destroyed: false
    }
    constructor(readonly image: unknown) {
      s.trays.push(this.record)
    }
    setContextMenu(menu: Array<{ label: string; enabled: boolean; click?: Fn }>) {
      this.record.menu = menu
    }
    setToolTip(text: string) {
      this.record.toolTip = text
    }
    destroy() {
      this.record.destroyed = true
    }
  }
  const image = (path: string) => ({ path, resize: () => image(path) })
  const defaultSession = {
    protocol: {
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => s.protocolHandlers.set(scheme, fn)
    },
    setPermissionRequestHandler: (fn: Fn) => (s.permission.request = fn),
    setPermissionCheckHandler: (fn: Fn) => (s.permission.check = fn),
    setDevicePermissionHandler: (fn: Fn) => (s.permission.device = fn)
  }
  return {
    app: {
      isPackaged: false,
      getPath: () => join(tmpdir(), 'unused-userData'),
      setPath: vi.fn(),
      requestSingleInstanceLock: () => true,
      whenReady: () => s.whenReady,
      on: (e: string, fn: Fn) => s.appListeners.set(e, fn),
      quit: vi.fn()
    },
    BrowserWindow,
    Notification,
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (m: unknown) => (s.menuTemplate = m)
    },
    Tray,
    nativeImage: { createFromPath: image, createEmpty: () => image('') },
    dialog: {
      showOpenDialog: async (...a: unknown[]) => {
        s.dialogCalls.push(a)
        return s.dialogResult
      },
      showMessageBox: async () => ({ response: 0 })
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        s.schemesRegisteredWhenReady.push(s.isReady)
        s.privilegedSchemes.push(...schemes)
      }
    },
    session: { defaultSession },
    ipcMain: {
      handle: (channel: string, fn: Fn) => s.handlers.set(channel, fn),
      removeHandler: vi.fn()
    },
    shell: { openExternal: s.openExternal, openPath: vi.fn(async () => '') }
  }
}
