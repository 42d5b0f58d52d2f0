/**
 * The one place where staging (and serving, through staged-content.ts) reaches the image cache, the
 * resource store and the metadata an import kept. Only their public APIs are used, so moving them into
 * a library changes these lines only.
 */
export { BlobCache, formatBytes } from '../import/cache'
export type { BlobPin } from '../import/blob-pins'
export { ResourceStore, newestCompleteSet, type StoredResource } from '../import/resource-store'
export { importedMetadataDir, type ImportedMetadataManifest } from '../import/imported-metadata'
