/** Largest metadata document (index or products file) we accept: the real stable products file is ~3 MB. */
export const MAX_METADATA_BYTES = 64 * 1024 * 1024

/**
 * Most products files one index may name. images.maas.io names 4 or 5 and cloud-images about 30; an index that
 * names thousands is hostile (each one costs a request and up to MAX_METADATA_BYTES of memory).
 */
export const MAX_INDEX_ENTRIES = 256

/**
 * Most metadata bytes one source may serve in total (index and all its products files). The verified bytes are
 * kept in memory until cached, so this, not the per-document cap times the entry count, bounds memory.
 */
export const MAX_SOURCE_METADATA_BYTES = 96 * 1024 * 1024

/**
 * Most JSON objects (products, versions, items, ...) one source's metadata may hold; see ObjectBudget. The
 * stable stream holds a few thousand and the catalogue benchmark about 40,000.
 */
export const MAX_STREAM_OBJECTS = 250_000

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000
export const DEFAULT_STALL_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_REDIRECTS = 5

/** Human form of a byte limit for error messages ("64 MiB"). */
export function formatLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}
