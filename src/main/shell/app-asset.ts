/**
 * Maps an `app://maas-images/...` request to one file of the built renderer, or refuses it.
 * Electron-free and synchronous in its decision, so every refusal is unit-tested.
 *
 * Refused: another scheme or host, any `..` or `.` segment (literal or percent-encoded), encoded
 * slashes or backslashes, NUL, malformed percent-encoding, and anything that resolves outside the
 * renderer folder. Only known file types are served, each with its MIME type.
 */
import { extname, resolve, sep } from 'node:path'
import { APP_HOST, APP_SCHEME } from './app-origin'

export const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8'
})

export type AssetResolution =
  { ok: true; file: string; mime: string } | { ok: false; status: 400 | 403 | 404; reason: string }

const refuse = (status: 400 | 403 | 404, reason: string): AssetResolution => ({ ok: false, status, reason })

export function resolveAppAsset(requestUrl: string, rendererDir: string): AssetResolution {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return refuse(400, `not a URL: ${requestUrl.slice(0, 200)}`)
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
    return refuse(403, `not an app URL: ${url.protocol}//${url.host}`)
  // The URL parser folds `..` and `%2e%2e` away, so a traversal attempt would arrive looking like
  // an innocent path: judge the raw text as the page wrote it, before any folding.
  const raw = requestUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0] || '/'
  if (/%2e|%2f|%5c|%00/i.test(raw)) return refuse(400, `encoded dot or separator in ${raw}`)
  const rawPath = raw === '/' ? '/index.html' : raw
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return refuse(400, `malformed percent-encoding in ${rawPath}`)
  }
  // No built asset has `%`, a backslash or NUL in its name: a `%` left after decoding is double encoding.
  if (/[%\\\0]/.test(decoded)) return refuse(400, `bad character in ${rawPath}`)
  const segments = decoded.split('/').slice(1)
  if (segments.some((s) => s === '..' || s === '.' || s === ''))
    return refuse(400, `dot or empty segment in ${rawPath}`)
  const root = resolve(rendererDir)
  const file = resolve(root, ...segments)
  if (!file.startsWith(root + sep)) return refuse(403, `${rawPath} is outside the renderer folder`)
  const mime = MIME_TYPES[extname(file).toLowerCase()]
  if (!mime) return refuse(404, `no such asset type: ${rawPath}`)
  return { ok: true, file, mime }
}
