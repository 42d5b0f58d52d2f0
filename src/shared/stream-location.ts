/**
 * What a boot source location says by its name alone, one definition for main (which reads it) and
 * the renderer (which warns before saving it). For http(s):// and file:// URLs the query and the
 * fragment are not part of the name (`…/index.json?x=1` is still a .json index); a plain path keeps
 * every character, since `?` and `#` are legal in file names.
 */
export function locationName(location: string): string {
  const input = location.trim()
  return /^(https?|file):/i.test(input) ? input.replace(/[?#].*$/, '') : input
}

/** The location names an index file (`….json` or `….sjson`) rather than a stream root. */
export function namesIndexFile(location: string): boolean {
  return /\.s?json$/i.test(locationName(location))
}

/** MAAS's policy: a location naming a `.json` index is read unsigned; everything else must verify. */
export function isUnsignedLocation(location: string): boolean {
  return /\.json$/i.test(locationName(location))
}
