/**
 * Remembers the window's size and position between runs (electron-store, in the data directory).
 */
import Store from 'electron-store'
import type { BrowserWindow, Rectangle } from 'electron'
import { dataLayout } from '../core/data-layout'

interface WindowState {
  bounds?: Rectangle
  maximized?: boolean
}

export function trackWindowState(win: BrowserWindow, dataDir: string): void {
  const layout = dataLayout(dataDir)
  const store = new Store<WindowState>({ name: layout.windowStateName, cwd: layout.root })
  const bounds = store.get('bounds')
  if (bounds) win.setBounds(bounds)
  if (store.get('maximized')) win.maximize()
  const save = () => {
    if (win.isDestroyed()) return
    store.set('maximized', win.isMaximized())
    if (!win.isMaximized() && !win.isMinimized()) store.set('bounds', win.getBounds())
  }
  win.on('close', save)
}
