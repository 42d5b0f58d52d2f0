/**
 * Serials (version keys) order in plain byte order, as `LANG=C sort` and simplestreams do: '20240604_01' <
 * '20240622_01', '20231004.0' < '20231004.1', '20250805' < '20250805.1'. No numeric or date parsing on
 * purpose: MAAS picks "latest" exactly this way and we must agree with it.
 */
export function compareSerials(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** The greatest serial; '' for an empty list. */
export function latestVersion(keys: string[]): string {
  let best = ''
  for (const k of keys) if (best === '' || compareSerials(k, best) > 0) best = k
  return best
}
