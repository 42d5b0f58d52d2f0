/**
 * One-time notices the shell has given (the tray note, the no-tray question), kept beside the window's state
 * (electron-store, window-state.json in the data directory) so each is given once per data directory.
 */
import Store from 'electron-store'
import { dataLayout } from '../core/data-layout'
import type { Notice } from './background-sync'

export function shellNotices(dataDir: string): {
  shown(): Promise<Set<Notice>>
  mark(notice: Notice): Promise<void>
} {
  const layout = dataLayout(dataDir)
  const store = new Store<{ notices?: Notice[] }>({ name: layout.windowStateName, cwd: layout.root })
  return {
    shown: async () => new Set(store.get('notices') ?? []),
    mark: async (notice) => store.set('notices', [...new Set([...(store.get('notices') ?? []), notice])])
  }
}
