/**
 * Where settings, sources, selections and the image cache live. The desktop app and the CLI resolve
 * it the same way so both see the same state:
 *   1. `--data-dir DIR` on the command line
 *   2. MAAS_IMAGES_DATA_DIR in the environment
 *   3. the platform's per-user app data directory + `maas-images` (Electron's `userData` for this app)
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const APP_NAME = 'maas-images'

/** The same folder Electron's app.getPath('userData') gives for an app named maas-images. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env
): string {
  const home = homedir()
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME)
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME)
}

/** Finds `--data-dir DIR` or `--data-dir=DIR` in argv. */
export function dataDirFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--data-dir' && i + 1 < argv.length) return argv[i + 1]
    if (a.startsWith('--data-dir=')) return a.slice('--data-dir='.length)
  }
  return undefined
}

export function resolveDataDir(
  opts: { argv?: readonly string[]; env?: NodeJS.ProcessEnv; fallback?: string } = {}
): string {
  const env = opts.env ?? process.env
  const fromArgs = dataDirFromArgv(opts.argv ?? process.argv)
  const chosen =
    fromArgs || env.MAAS_IMAGES_DATA_DIR || opts.fallback || defaultDataDir(process.platform, env)
  return resolve(chosen)
}
