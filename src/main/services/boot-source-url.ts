import { namesIndexFile } from '@shared/stream-location'

/**
 * MAAS stores stream-root URLs with exactly one trailing slash; a URL that names an index file
 * (`…/streams/v1/index.json` or `.sjson`) is kept as it is.
 */
export function normaliseSourceUrl(url: string): string {
  const trimmed = url.trim()
  if (namesIndexFile(trimmed)) return trimmed
  return trimmed.replace(/[/\\]+$/, '') + '/'
}
