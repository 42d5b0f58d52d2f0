/**
 * Sizes and rates as the UI and the CLI both print them: decimal units (1 MB = 1,000,000 bytes), as
 * MAAS's UI and download tools print them, so one import reads the same in both and matches what
 * admins see elsewhere.
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
