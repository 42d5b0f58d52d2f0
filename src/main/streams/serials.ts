/**
 * Serials (version keys) order in plain byte order, as `LANG=C sort` and simplestreams do: '20240604_01' <
 * '20240622_01', '20231004.0' < '20231004.1', '20250805' < '20250805.1'. No numeric or date parsing on
 * purpose: MAAS picks "latest" exactly this way and we must agree with it.
 */
export function compareSerials(a: string, b: string): number {
  // UTF-16 code unit order equals UTF-8 byte order below the surrogate range, which covers every real serial;
  // only when a difference involves higher code units do we pay for encoding both.
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    if (x < 0xd800 && y < 0xd800) return x - y
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
  }
  return a.length - b.length
}

/** The greatest serial; '' for an empty list. */
export function latestVersion(keys: string[]): string {
  let best = ''
  for (const k of keys) if (best === '' || compareSerials(k, best) > 0) best = k
  return best
}
