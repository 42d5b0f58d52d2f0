// Decides how the end-to-end specs launch the app: the Electron binary where it is installed,
// otherwise the built renderer in a system Chromium talking to the real services over loopback.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export function electronBinary() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
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
