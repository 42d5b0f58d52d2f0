/**
 * What has been imported, for every part that reads or changes it (import, stage, serve): the
 * content-addressed blob cache, the boot resources and their MAAS-shaped view, and the metadata the
 * last complete import used. Plain Node; it knows nothing of how blobs are downloaded.
 */
export { BlobCache } from './blob-cache'
export {
  ResourceStore,
  newestCompleteSet,
  referencedBlobs,
  type ResourceIdentity,
  type ResourcesDoc,
  type StoredResource
} from './resource-store'
export { resourceStatus, toBootResource, type LiveResourceState } from './resource-view'
export { importedMetadataDir, saveImportedMetadata, type ImportedMetadataManifest } from './imported-metadata'
