/**
 * The BrowserWindow options. Kept as a pure function so a unit test guards every security flag.
 */
import type { BrowserWindowConstructorOptions } from 'electron'

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'MAAS Images',
    autoHideMenuBar: true,
    backgroundColor: '#f7f7f7',
    webPreferences: {
      preload: preloadPath,
      // The renderer is untrusted: no Node, isolated world, OS-level sandbox.
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false
    }
  }
}
