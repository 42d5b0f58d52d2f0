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
    createWindow(main)
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow(main)
    })
    app.on('before-quit', () => void main.dispose())
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
