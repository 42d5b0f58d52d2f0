// Decides how the end-to-end specs launch the app: the Electron binary where it is installed,
// otherwise the built renderer in a system Chromium talking to the real services over loopback.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

// Where the electron package keeps its binary, found without require('electron'): since Electron 45
// that require downloads a missing binary on the spot, which must never happen in a test run.
export function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'))
    const pathFile = join(dir, 'path.txt')
    const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
    const full = override
      ? join(override, relative || 'electron')
      : relative
        ? join(dir, 'dist', relative)
        : null
    return full && existsSync(full) ? full : null
  } catch {
    return null
  }
}

export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome'
]

export function chromiumBinary() {
  if (process.env.MAAS_IMAGES_CHROMIUM) return process.env.MAAS_IMAGES_CHROMIUM
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null
}

export function launchMode() {
  const forced = process.env.MAAS_IMAGES_E2E_MODE
  if (forced === 'electron' || forced === 'browser') return forced
  return electronBinary() ? 'electron' : 'browser'
}
