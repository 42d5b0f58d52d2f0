/**
 * The BrowserWindow options. Kept as a pure function so a unit test guards every security flag.
 */
import type { BrowserWindowConstructorOptions, NativeImage } from 'electron'

export interface WindowExtras {
  /** DevTools exist in development builds only (renderer-entry.ts decides) */
  devTools?: boolean
  icon?: NativeImage
}

export function mainWindowOptions(
  preloadPath: string,
  extras: WindowExtras = {}
): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'MAAS Images',
    autoHideMenuBar: true,
    backgroundColor: '#f7f7f7',
    ...(extras.icon ? { icon: extras.icon } : {}),
    webPreferences: {
      devTools: extras.devTools ?? false,
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
