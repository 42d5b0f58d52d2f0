/**
 * The URL of an item: paths are relative to the stream root (never to the products file).
 * A root that is a plain directory (a USB stick) gives a file: URL, which the downloader reads from disk.
 */
import { pathToFileURL } from 'node:url'
import { isUrlRoot, joinStreamPath } from '../../streams/safe-path'

export function itemUrl(root: string, path: string): string {
  const joined = joinStreamPath(root, path)
  return isUrlRoot(joined) ? joined : pathToFileURL(joined).href
}
