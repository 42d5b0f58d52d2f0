/**
 * Whether a StatusNotifierItem host runs on the session bus (Linux): what decides if Electron's tray icon is
 * shown (background-sync.ts, trayAvailable). Asked through `gdbus` (GLib's, on every GTK desktop); undefined
 * when it cannot be asked (no gdbus, no session bus), and the caller decides by the desktop's name.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

type Run = (file: string, args: string[]) => Promise<string>

// Asked off the event loop: a hung session bus would otherwise freeze the window for the whole timeout.
const gdbus: Run = async (file, args) =>
  (await promisify(execFile)(file, args, { encoding: 'utf8', timeout: 3000 })).stdout

export async function statusNotifierWatcher(run: Run = gdbus): Promise<boolean | undefined> {
  try {
    const answer = await run('gdbus', [
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
