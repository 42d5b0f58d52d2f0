/**
 * Display formatting shared by the screens. Sizes and rates come from src/shared/format-bytes.ts, the
 * one definition the CLI prints with too.
 */

export { formatBytes, formatRate } from '@shared/format-bytes'
import { formatBytes } from '@shared/format-bytes'

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

/** "1 selection", "2 selections", "No selections": a count in words, never "selection(s)". */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  if (n === 0) return `No ${plural}`
  return `${n} ${n === 1 ? singular : plural}`
}

/** "0 files", "1 file", "6 files": a count in figures, zero included (a staging's figures). */
export function figureOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}

/**
 * A URL or path cut into pieces after each `/` or `\`: shown with a line-break opportunity
 * between them, so a long location wraps at its separators, never in the middle of a name.
 */
export function pathPieces(location: string): string[] {
  return location.match(/[^/\\]*[/\\]+|[^/\\]+$/g) ?? [location]
}
