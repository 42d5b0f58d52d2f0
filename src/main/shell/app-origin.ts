/**
 * The renderer's origin in a built app: `app://maas-images`, a privileged standard scheme served by
 * main from the built renderer folder (see app-protocol.ts). Electron-free, so it is unit-tested.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'maas-images'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * `scheme://host[:port]` of a URL, or null. Node's URL gives `origin === 'null'` for schemes it
 * does not know (such as app:), so the origin is rebuilt from protocol and host, which Node parses
 * the same way for every scheme.
 */
export function originOf(url: string): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (!u.host) return null
  return `${u.protocol}//${u.host}`
}

/** Exact origin equality: `http://localhost:5173.evil` or `app://maas-images.evil` never match. */
export function isSameOrigin(url: string, expectedOrigin: string): boolean {
  const origin = originOf(url)
  return origin !== null && origin === originOf(expectedOrigin)
}
