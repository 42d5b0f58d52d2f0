/**
 * Whether a StatusNotifierItem host runs on the session bus (Linux): what decides if Electron's tray icon is
 * shown (background-sync.ts, trayAvailable). Asked through `gdbus` (GLib's, on every GTK desktop); undefined
 * when it cannot be asked (no gdbus, no session bus), and the caller decides by the desktop's name.
 */
import { execFileSync } from 'node:child_process'

type Run = (file: string, args: string[]) => string

const gdbus: Run = (file, args) =>
  execFileSync(file, args, { encoding: 'utf8', timeout: 3000, stdio: 'pipe' })

export function statusNotifierWatcher(run: Run = gdbus): boolean | undefined {
  try {
    const answer = run('gdbus', [
      'call',
      '--session',
      '--dest',
      'org.freedesktop.DBus',
      '--object-path',
      '/org/freedesktop/DBus',
      '--method',
      'org.freedesktop.DBus.NameHasOwner',
      'org.kde.StatusNotifierWatcher'
    ])
    if (/\(true,?\)/.test(answer)) return true
    if (/\(false,?\)/.test(answer)) return false
    return undefined
  } catch {
    return undefined
  }
}
