/**
 * Display formatting shared by the screens. Sizes use decimal units (1 MB = 1,000,000 bytes), as
 * MAAS's UI and download tools print them, so figures match what admins see elsewhere.
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${value.toFixed(digits)} ${UNITS[unit]}`
}

/**
 * bytes per second → "12.3 MB/s"; MB/s from 1 MB/s up so the figure doesn't jump between units on a
 * normal link, kB/s below that so a slow mirror or proxy doesn't read "0.0 MB/s".
 */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond)) return '—'
  const rate = Math.max(0, bytesPerSecond)
  if (rate > 0 && rate < 1_000_000) return `${Math.round(rate / 1000)} kB/s`
  const mb = rate / 1_000_000
  return `${mb.toFixed(mb >= 100 ? 0 : 1)} MB/s`
}

/** seconds → "45 s", "3 min 20 s", "1 h 05 min"; null means the engine can't estimate yet. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
    return 'calculating…'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, '0')} s`
  const hours = Math.floor(minutes / 60)
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`
}

export function formatPercent(done: number, total: number): number {
  if (!total || total <= 0) return 0
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)))
}

/** ISO time → local date and time; empty or unparsable input shows as a dash, never "Invalid Date". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit'
  })
}

/**
 * formatDateTime in two pieces, the date and the time, for narrow columns: each piece stays on one
 * line and the break, if any, falls between them ("Nov 30, 2026," / "04:55 AM").
 */
export function dateTimePieces(iso: string | null | undefined): string[] {
  const text = formatDateTime(iso)
  const cut = text.lastIndexOf(', ')
  return cut === -1 ? [text] : [text.slice(0, cut + 1), text.slice(cut + 2)]
}

/** What the UI calls a source's keyring: the file path, or a hint that the key is stored inline. */
export function keyringLabel(source: { keyring_filename: string; keyring_data: string }): string {
  if (source.keyring_filename) return source.keyring_filename
  if (source.keyring_data) return `Keyring data (${formatBytes(base64Length(source.keyring_data))})`
  return ''
}

function base64Length(b64: string): number {
  const clean = b64.replace(/\s+/g, '')
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding)
}

/** MAAS's policy: a source URL that names a .json index is read unsigned. */
export function isUnsignedUrl(url: string): boolean {
  // A query or fragment is not part of the file name (main reads it the same way).
  return /\.json$/i.test(url.trim().replace(/[?#].*$/, ''))
}

/** "1 selection", "2 selections", "No selections": a count in words, never "selection(s)". */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  if (n === 0) return `No ${plural}`
  return `${n} ${n === 1 ? singular : plural}`
}

/**
 * A URL or path cut into pieces after each `/` or `\`: shown with a line-break opportunity
 * between them, so a long location wraps at its separators, never in the middle of a name.
 */
export function pathPieces(location: string): string[] {
  return location.match(/[^/\\]*[/\\]+|[^/\\]+$/g) ?? [location]
}
