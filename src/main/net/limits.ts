/** Largest metadata document (index or products file) we accept: the real stable products file is ~3 MB. */
export const MAX_METADATA_BYTES = 64 * 1024 * 1024

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000
export const DEFAULT_STALL_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_REDIRECTS = 5

/** Human form of a byte limit for error messages ("64 MiB"). */
export function formatLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}
