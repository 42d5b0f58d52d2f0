/**
 * MAAS stores stream-root URLs with exactly one trailing slash; a URL that names an index file
 * (`…/streams/v1/index.json` or `.sjson`) is kept as it is.
 */
export function namesIndexFile(url: string): boolean {
  return /\.s?json$/i.test(url.replace(/[?#].*$/, ''))
}

export function normaliseSourceUrl(url: string): string {
  const trimmed = url.trim()
  if (namesIndexFile(trimmed)) return trimmed
  return trimmed.replace(/[/\\]+$/, '') + '/'
}
