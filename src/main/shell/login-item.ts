/**
 * "Start at login" (the start_at_login setting): the app registered with the OS to start, in the tray
 * (`--background`), when the user logs in. Windows and macOS through Electron's login items; Linux, where
 * Electron has none, through an XDG autostart entry (~/.config/autostart/), which every desktop reads.
 *
 * Electron-free: index.ts passes app.setLoginItemSettings in, so the tests drive it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** The argument that starts the app in the tray without a window (index.ts). */
export const BACKGROUND_ARG = '--background'

export interface LoginItemDeps {
  platform: NodeJS.Platform
  /** the program to start: the AppImage's own path when run from one (its mount point changes per run) */
  exec: string
  dataDir: string
  env: NodeJS.ProcessEnv
  setLoginItemSettings(settings: { openAtLogin: boolean; args: string[] }): void
}

/** The XDG autostart file: $XDG_CONFIG_HOME/autostart/maas-images.desktop. */
export function autostartPath(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return join(config, 'autostart', 'maas-images.desktop')
}

/** One argument of a desktop entry's Exec key, quoted as the Desktop Entry Specification says. */
function execArg(arg: string): string {
  if (!/[\s"'\\$`<>|;&*?#()~=%]/.test(arg)) return arg
  return `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`
}

export function autostartEntry(exec: string, args: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=MAAS Images',
    'Comment=Keeps the MAAS boot images synced in the background',
    `Exec=${[exec, ...args].map(execArg).join(' ')}`,
    'Icon=maas-images-desktop',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    ''
  ].join('\n')
}

export async function setStartAtLogin(enabled: boolean, deps: LoginItemDeps): Promise<void> {
  const args = [BACKGROUND_ARG, '--data-dir', deps.dataDir]
  if (deps.platform !== 'linux') {
    deps.setLoginItemSettings({ openAtLogin: enabled, args })
    return
  }
  const path = autostartPath(deps.env)
  if (!enabled) {
    await rm(path, { force: true })
    return
  }
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, autostartEntry(deps.exec, args), { mode: 0o644 })
}
