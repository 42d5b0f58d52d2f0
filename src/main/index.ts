/**
 * The Electron shell: app lifecycle, the window, IPC binding. The real work lives in services that
 * do not import electron (shared with the CLI and the tests).
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  session,
  shell,
  Tray,
  type WebContents
} from 'electron'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AppError } from '@shared/errors'
import { resolveDataDir } from './core/data-dir'
import { findResourcesDir } from './core/resources-path'
import { APP_VERSION } from './core/version'
import { createMainServices, type MainServices } from './services'
import { mainWindowOptions } from './shell/window-options'
import { guardNavigation } from './shell/navigation-guard'
import { forwardEvents, isTrustedSender, registerIpcHandlers } from './shell/ipc-handlers'
import { trackWindowState } from './shell/window-state'
import { handleAppScheme, registerAppScheme } from './shell/app-protocol'
import { isSameOrigin } from './shell/app-origin'
import { rendererEntry } from './shell/renderer-entry'
import { denyAllPermissions } from './shell/permissions'
import { isAllowedExternalUrl } from './shell/external-links'
import { nativePathPicker } from './shell/native-pickers'
import { notifyLongTasksInBackground } from './shell/notify'
import { aboutDetail, appMenuTemplate } from './shell/app-menu'
import { utilityProcessLauncher } from './shell/utility-process-launcher'
import { BackgroundSync, trayAvailable, type TrayHandle } from './shell/background-sync'
import { statusNotifierWatcher } from './shell/status-notifier'
import { shellNotices } from './shell/shell-notices'
import { BACKGROUND_ARG, setStartAtLogin } from './shell/login-item'

const dataDir = resolveDataDir({ argv: process.argv, fallback: app.getPath('userData') })
app.setPath('userData', dataDir)

const rendererDir = join(__dirname, '../renderer')
// import.meta.env.DEV is replaced at build time: true only in `electron-vite dev`. A production
// build compiles the variable's read away: no environment can point a package at another page.
const devBuild = import.meta.env.DEV === true
const entry = rendererEntry({
  devBuild,
  devServerUrl: devBuild ? process.env.ELECTRON_RENDERER_URL : undefined
})
const iconPath = join(findResourcesDir(), 'icons', '512x512.png')
const ourWindows = new Set<WebContents>()
let mainWindow: BrowserWindow | undefined
let backgroundSync: BackgroundSync | undefined
let quitting = false

registerAppScheme()

async function openExternal(url: string): Promise<void> {
  if (!isAllowedExternalUrl(url)) throw new AppError('invalid_argument', `not an allowed link: ${url}`)
  await shell.openExternal(url)
}

function createWindow(main: MainServices): BrowserWindow {
  const icon = existsSync(iconPath) ? nativeImage.createFromPath(iconPath) : undefined
  const win = new BrowserWindow(
    mainWindowOptions(join(__dirname, '../preload/index.js'), { devTools: entry.devTools, icon })
  )
  mainWindow = win
  const contents = win.webContents
  ourWindows.add(contents)
  contents.once('destroyed', () => ourWindows.delete(contents))
  guardNavigation(contents, (url) => openExternal(url).catch(() => undefined))
  forwardEvents(main.events, contents)
  trackWindowState(win, dataDir)
  // Where no tray exists, the first close with automatic sync on asks first: the sync stops with the window.
  let closeConfirmed = false
  win.on('close', (event) => {
    if (quitting || closeConfirmed || !backgroundSync) return
    event.preventDefault()
    void backgroundSync.windowClosing().then((close) => {
      closeConfirmed = close
      if (close && !win.isDestroyed()) win.close()
    })
  })
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined
  })
  void win.loadURL(entry.url)
  return win
}

function focusMainWindow(): void {
  const win = mainWindow
  if (!win || win.isDestroyed()) return
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}

function createTray(): TrayHandle {
  const image = existsSync(iconPath)
    ? nativeImage.createFromPath(iconPath).resize({ width: 22, height: 22 })
    : nativeImage.createEmpty()
  const tray = new Tray(image)
  return {
    setMenu: (items) => tray.setContextMenu(Menu.buildFromTemplate(items)),
    setToolTip: (text) => tray.setToolTip(text),
    destroy: () => tray.destroy()
  }
}

function startBackgroundSync(main: MainServices): BackgroundSync {
  const notices = shellNotices(dataDir)
  let hasTray: Promise<boolean> | undefined
  return new BackgroundSync(
    {
      autoSyncOn: async () => (await main.request('getSettings', undefined)).auto_sync,
      trayAvailable: () =>
        (hasTray ??= trayAvailable({
          platform: process.platform,
          statusNotifierWatcher: () => statusNotifierWatcher(),
          currentDesktop: process.env.XDG_CURRENT_DESKTOP
        })),
      createTray,
      notify: (note) => {
        if (Notification.isSupported()) new Notification(note).show()
      },
      confirmCloseWithoutTray: async (message) => {
        const options = {
          type: 'info' as const,
          title: 'Automatic sync stops with the window',
          message: 'Automatic sync stops with the window',
          detail: message,
          buttons: ['Close anyway', 'Keep the window open'],
          defaultId: 1,
          cancelId: 1
        }
        const { response } = mainWindow
          ? await dialog.showMessageBox(mainWindow, options)
          : await dialog.showMessageBox(options)
        return response === 0
      },
      noticesShown: () => notices.shown(),
      markNoticeShown: (notice) => notices.mark(notice),
      openWindow: () => (mainWindow ? focusMainWindow() : createWindow(main)),
      syncNow: () => void main.request('startImport', undefined).catch(() => undefined),
      quit: () => app.quit()
    },
    main.events
  )
}

function licencesDir(): string {
  // electron-builder puts LICENSE.electron.txt and LICENSES.chromium.html next to the executable.
  return app.isPackaged ? dirname(process.execPath) : join(__dirname, '../..')
}

function showAbout(): void {
  const detail = aboutDetail({
    version: APP_VERSION,
    electron: process.versions.electron ?? '?',
    chrome: process.versions.chrome ?? '?',
    node: process.versions.node,
    licencesPath: licencesDir()
  })
  const options = { type: 'info' as const, title: 'About MAAS Images', message: 'MAAS Images', detail }
  void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options))
}

if (!app.requestSingleInstanceLock({ dataDir })) {
  app.quit()
} else {
  app.on('web-contents-created', (_e, contents) =>
    guardNavigation(contents, (url) => openExternal(url).catch(() => undefined))
  )
  app.on('second-instance', () => focusMainWindow())
  void app.whenReady().then(async () => {
    denyAllPermissions(session.defaultSession)
    handleAppScheme(session.defaultSession, rendererDir)
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate({
          platform: process.platform,
          devTools: entry.devTools,
          showAbout,
          openLicences: () => void shell.openPath(licencesDir())
        })
      )
    )
    const main = await createMainServices({
      dataDir,
      version: APP_VERSION,
      host: 'app',
      openExternal,
      pickPath: nativePathPicker(() => mainWindow),
      startAtLogin: (enabled) =>
        setStartAtLogin(enabled, {
          platform: process.platform,
          exec: process.env.APPIMAGE || process.execPath,
          dataDir,
          env: process.env,
          setLoginItemSettings: (settings) => app.setLoginItemSettings(settings)
        }),
      // The window's process stays responsive: imports run in a utility process (out/main/import-worker.js).
      launchImportWorker: {
        launch: utilityProcessLauncher(join(__dirname, 'import-worker.js')),
        where: 'in a utility process'
      }
    })
    registerIpcHandlers(ipcMain, main.services, (event) =>
      isTrustedSender(
        event,
        (c) => ourWindows.has(c),
        (url) => isSameOrigin(url, entry.origin)
      )
    )
    notifyLongTasksInBackground(main.events, {
      isForeground: () => mainWindow?.isFocused() ?? false,
      isSupported: () => Notification.isSupported(),
      show: (note) => new Notification(note).show()
    })
    backgroundSync = startBackgroundSync(main)
    // Started at login (shell/login-item.ts): in the tray, without a window, where that can work.
    if (process.argv.includes(BACKGROUND_ARG)) void backgroundSync.startInBackground()
    else createWindow(main)
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow(main)
    })
    app.on('before-quit', () => {
      quitting = true
      backgroundSync?.dispose()
      void main.dispose()
    })
  })
  // macOS apps stay in the Dock with no window (and the sync goes on); elsewhere the app stays in the tray
  // while automatic sync is on, or quits (shell/background-sync.ts).
  app.on('window-all-closed', () => {
    if (process.platform === 'darwin') return
    if (backgroundSync) void backgroundSync.windowsClosed()
    else app.quit()
  })
}
