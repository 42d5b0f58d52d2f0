/**
 * The Electron shell: app lifecycle, the window, IPC binding. The real work lives in services that
 * do not import electron (shared with the CLI and the tests).
 */
import { app, BrowserWindow, ipcMain, shell, type WebContents } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { resolveDataDir } from './core/data-dir'
import { APP_VERSION } from './core/version'
import { createMainServices, type MainServices } from './services'
import { mainWindowOptions } from './shell/window-options'
import { guardNavigation, isSafeExternalUrl } from './shell/navigation-guard'
import { forwardEvents, isTrustedSender, registerIpcHandlers } from './shell/ipc-handlers'
import { trackWindowState } from './shell/window-state'

const dataDir = resolveDataDir({ argv: process.argv, fallback: app.getPath('userData') })
app.setPath('userData', dataDir)

const rendererIndex = join(__dirname, '../renderer/index.html')
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const ourWindows = new Set<WebContents>()

function isAppUrl(url: string): boolean {
  if (devServerUrl) return url.startsWith(devServerUrl)
  return url.split('#')[0] === pathToFileURL(rendererIndex).href
}

async function openExternal(url: string): Promise<void> {
  if (isSafeExternalUrl(url)) await shell.openExternal(url)
}

function createWindow(main: MainServices): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(join(__dirname, '../preload/index.js')))
  const contents = win.webContents
  ourWindows.add(contents)
  contents.once('destroyed', () => ourWindows.delete(contents))
  guardNavigation(contents, openExternal)
  forwardEvents(main.events, contents)
  trackWindowState(win, dataDir)
  win.once('ready-to-show', () => win.show())
  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadFile(rendererIndex)
  return win
}

if (!app.requestSingleInstanceLock({ dataDir })) {
  app.quit()
} else {
  app.on('web-contents-created', (_e, contents) => guardNavigation(contents, openExternal))
  void app.whenReady().then(async () => {
    const main = await createMainServices({
      dataDir,
      version: APP_VERSION,
      transport: 'electron',
      role: 'app',
      openExternal
    })
    registerIpcHandlers(ipcMain, main.services, (event) =>
      isTrustedSender(event, (c) => ourWindows.has(c), isAppUrl)
    )
    createWindow(main)
    app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow(main)
    })
    app.on('before-quit', () => void main.dispose())
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
