import { AppError } from '@shared/errors'
import { localStreamPath } from '../staged-tree/name-map'

/**
 * Fast yes/no for the common case, so the 8,000 items of a big products file cost no string building;
 * assertSafeItemPath gives the reason when this says no.
 */
export function isSafeItemPath(path: unknown): boolean {
  if (typeof path !== 'string' || path.length === 0) return false
  if (path.includes('\0') || path.includes('\\') || path.charCodeAt(0) === 47 /* / */) return false
  // Real streams never percent-encode; the rare path that does gets the full check.
  if (path.includes('%') && encodedProblem(path) !== null) return false
  const slash = path.indexOf('/')
  const first = slash < 0 ? path : path.slice(0, slash)
  if (first.includes(':')) return false
  return !(path === '..' || path.startsWith('../') || path.includes('/../') || path.endsWith('/..'))
}

/**
 * RFC 3986 reads `%2e%2e` as `..` and `%2f` as `/`: a URL built from such a path, or a server or tool that decodes
 * it once, would step out of the stream root exactly like the literal form. Returns why, or null.
 */
function encodedProblem(path: string): string | null {
  if (/%2f/i.test(path)) return 'percent-encoded slash'
  if (/%5c/i.test(path)) return 'percent-encoded backslash'
  if (/%00/.test(path)) return 'percent-encoded NUL byte'
  const dotted = path.split('/').some((segment) => segment.replace(/%2e/gi, '.') === '..')
  return dotted ? "percent-encoded '..' segment" : null
}

/**
 * Stream paths come from a remote (possibly hostile) mirror and end up as file names on disk, so anything that
 * could leave the stream root or name something else is refused before it is used.
 */
export function assertSafeItemPath(path: string, context: string): void {
  const refuse = (why: string): never => {
    throw new AppError('unsafe_path', `${context}: unsafe path ${JSON.stringify(path)} (${why})`)
  }
  if (typeof path !== 'string' || path.length === 0) refuse('empty path')
  if (path.includes('\0')) refuse('contains a NUL byte')
  if (path.includes('\\')) refuse('contains a backslash')
  if (path.startsWith('/')) refuse('absolute path')
  if (/^[A-Za-z]:/.test(path)) refuse('absolute Windows path')
  // A scheme before the first slash would make the "relative" path a URL of its own (file:, http:, data: ...).
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path.split('/')[0])) refuse('URL scheme')
  if (path.split('/').some((segment) => segment === '..')) refuse("'..' segment")
  const encoded = encodedProblem(path)
  if (encoded) refuse(encoded)
}

/** Percent-encodes what a URL path segment cannot carry raw; ':' stays as is, as simplestreams writes it. */
function encodeSegment(segment: string): string {
  return segment.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  )
}

export function isUrlRoot(root: string): boolean {
  return /^(https?|file):\/\//i.test(root)
}

/**
 * Joins a stream-root-relative path onto the root (http(s)/file URL or a directory, mapped names included). String joining on purpose:
 * `new URL(rel, root)` would read `com.ubuntu.maas:stable...` as a URL scheme.
 */
export function joinStreamPath(root: string, rel: string): string {
  if (isUrlRoot(root)) {
    const base = root.endsWith('/') ? root : `${root}/`
    return base + rel.split('/').map(encodeSegment).join('/')
  }
  // A staged stick on FAT/exFAT/NTFS holds mapped names (see staged-tree/name-map.ts): read them back here.
  return localStreamPath(root, rel)
}
