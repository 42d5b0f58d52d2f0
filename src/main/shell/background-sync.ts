/**
 * Keeps the hourly sync running after the window closes, as Syncthing, Nextcloud or Docker Desktop do: while
 * automatic sync is on, closing the window leaves the app in the tray (Open, Sync now, a line with the import's
 * progress, Quit), and the first time a notification says so. Where there is no tray to come back through
 * (GNOME without the AppIndicator extension), the app would be a process nobody can reach: it quits with the
 * window, and the first time a window closes it asks, saying the sync stops with it.
 *
 * Electron-free: index.ts passes the tray, dialogs and notifications in (deps), so the tests drive it.
 */
import { formatBytes } from '@shared/format-bytes'
import type { ImportProgress } from '@shared/types'
import type { AppEvents } from '../services/events'

export interface TrayMenuItem {
  label: string
  enabled: boolean
  /** absent for the progress line */
  click?: () => void
}

export interface TrayHandle {
  setMenu(items: TrayMenuItem[]): void
  setToolTip(text: string): void
  destroy(): void
}

export interface BackgroundSyncDeps {
  /** automatic sync, as settings.json says now */
  autoSyncOn(): Promise<boolean>
  /** whether this desktop shows tray icons (trayAvailable below) */
  trayAvailable(): Promise<boolean>
  createTray(): TrayHandle
  notify(note: { title: string; body: string }): void
  /** asked before the window closes where there is no tray; true: close (and quit) anyway */
  confirmCloseWithoutTray(message: string): Promise<boolean>
  /** one-time notices already given, kept in the data directory */
  noticesShown(): Promise<Set<Notice>>
  markNoticeShown(notice: Notice): Promise<void>
  openWindow(): void
  syncNow(): void
  quit(): void
}

export type Notice = 'tray' | 'no-tray'

export const TRAY_NOTE = {
  title: 'MAAS Images keeps syncing',
  body: 'The window is closed; the hourly sync goes on in the background. Open it again or quit from the tray icon.'
}

export const NO_TRAY_MESSAGE =
  'This desktop shows no tray icons, so MAAS Images cannot keep running without its window: the automatic ' +
  'sync stops when the window closes. To sync without the app, run `maas-images boot-resources import` on a ' +
  'timer (see the README).'

/** The tray's progress line: what an import is doing, or that none runs. */
export function progressLine(p: ImportProgress | undefined): string {
  if (!p || !p.importing) return 'No import running'
  if (p.phase !== 'downloading' || p.bytes_total <= 0) return `Importing: ${p.phase}`
  const percent = Math.floor((100 * p.bytes_done) / p.bytes_total)
  return `Importing: ${percent}% (${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)})`
}

/**
 * Whether tray icons show. Windows and macOS always have one. On Linux, Electron's tray is a
 * StatusNotifierItem when a watcher owns org.kde.StatusNotifierWatcher on the session bus (KDE, Ubuntu's
 * GNOME with its AppIndicator extension, most others); without one it falls back to an XEmbed icon, which
 * GNOME Shell does not show.
 */
export async function trayAvailable(env: {
  platform: NodeJS.Platform
  /** undefined when the bus cannot be asked */
  statusNotifierWatcher: () => Promise<boolean | undefined>
  currentDesktop: string | undefined
}): Promise<boolean> {
  if (env.platform !== 'linux') return true
  return (await env.statusNotifierWatcher()) === true || !/gnome/i.test(env.currentDesktop ?? '')
}

export class BackgroundSync {
  private tray: TrayHandle | undefined
  private progress: ImportProgress | undefined
  private readonly off: () => void

  constructor(
    private readonly deps: BackgroundSyncDeps,
    events: AppEvents
  ) {
    this.off = events.on('importProgress', (p) => {
      const before = progressLine(this.progress)
      this.progress = p
      if (this.tray && progressLine(p) !== before) this.refreshMenu()
    })
  }

  /** Whether the app runs on in the tray (and no quit is due) once its last window has closed. */
  async windowsClosed(): Promise<'tray' | 'quit'> {
    if (!(await this.deps.autoSyncOn()) || !(await this.deps.trayAvailable())) {
      this.deps.quit()
      return 'quit'
    }
    this.showTray()
    const shown = await this.deps.noticesShown()
    if (!shown.has('tray')) {
      this.deps.notify(TRAY_NOTE)
      await this.deps.markNoticeShown('tray')
    }
    return 'tray'
  }

  /**
   * Started at login (`--background`): straight into the tray while automatic sync is on and a tray exists;
   * otherwise there is nothing to do unseen, and the window opens.
   */
  async startInBackground(): Promise<'tray' | 'window'> {
    if ((await this.deps.autoSyncOn()) && (await this.deps.trayAvailable())) {
      this.showTray()
      return 'tray'
    }
    this.deps.openWindow()
    return 'window'
  }

  /**
   * Before the window closes: where there is no tray and the sync is on, asks once whether to close anyway.
   * Resolves false when the window should stay open.
   */
  async windowClosing(): Promise<boolean> {
    if ((await this.deps.trayAvailable()) || !(await this.deps.autoSyncOn())) return true
    const shown = await this.deps.noticesShown()
    if (shown.has('no-tray')) return true
    await this.deps.markNoticeShown('no-tray')
    return this.deps.confirmCloseWithoutTray(NO_TRAY_MESSAGE)
  }

  /** At quit: no more menu updates, and the icon goes. */
  dispose(): void {
    this.off()
    this.tray?.destroy()
    this.tray = undefined
  }

  private showTray(): void {
    if (this.tray) return
    this.tray = this.deps.createTray()
    this.tray.setToolTip('MAAS Images: automatic sync')
    this.refreshMenu()
  }

  private refreshMenu(): void {
    this.tray?.setMenu([
      { label: 'Open MAAS Images', enabled: true, click: () => this.deps.openWindow() },
      { label: 'Sync now', enabled: !this.progress?.importing, click: () => this.deps.syncNow() },
      { label: progressLine(this.progress), enabled: false },
      { label: 'Quit', enabled: true, click: () => this.deps.quit() }
    ])
  }
}
