/**
 * The URL of an item: paths are relative to the stream root (never to the products file).
 * A root that is a plain directory (a USB stick) becomes a file: URL, which the downloader reads from disk.
 */
import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import { AppError } from '../../shared/errors'

export function rootAsUrl(root: string): URL {
  if (/^(https?|file):\/\//i.test(root)) return new URL(root.endsWith('/') ? root : `${root}/`)
  if (isAbsolute(root)) return pathToFileURL(root.endsWith('/') ? root : `${root}/`)
  throw new AppError('invalid_argument', `stream root is neither a URL nor an absolute path: ${root}`)
}

export function itemUrl(root: string, path: string): string {
  // Paths were checked by the stream reader (no scheme, no .., no absolute paths); encode each segment.
  const rel = path.split('/').map(encodeURIComponent).join('/')
  return new URL(rel, rootAsUrl(root)).href
}
