/**
 * The one place where staging reaches the image library: the blob cache, the resource store and the
 * metadata an import kept. Only the library's public API is used.
 */
export { BlobCache, ResourceStore, newestCompleteSet, importedMetadataDir } from '../library'
export type { StoredResource, ImportedMetadataManifest } from '../library'
export type { BlobPin } from '../library/blob-pins'
