/**
 * The raw signed metadata an import used, kept byte for byte under
 * `<dataDir>/imported-metadata/<sourceId>/` (files named by sha256, as ':' is not allowed on FAT/exFAT),
 * with a manifest mapping stream paths to them (core/blob-dir.ts: the same locked, atomic replacement
 * as the metadata cache). Staging reproduces the mirror from this, so it is only replaced after an
 * import in which every resource of that source synced.
 */
import { dataLayout } from '../core/data-layout'
import type { BootSource } from '@shared/types'
import { replaceBlobDir } from '../core/blob-dir'
import type { VerifiedStream } from '../streams/read-stream'

export interface ImportedMetadataManifest {
  version: 1
  source_id: number
  url: string
  root: string
  verified: boolean
  saved_at: string
  documents: Array<{ path: string; url: string; sha256: string; size: number }>
}

export function importedMetadataDir(dataDir: string, sourceId: number): string {
  return dataLayout(dataDir).importedMetadataFor(sourceId)
}

export async function saveImportedMetadata(
  dataDir: string,
  read: ReadonlyArray<{ source: BootSource; stream: VerifiedStream }>,
  /** sources with a failure in this import: their previous copy stays */
  skip: ReadonlySet<number>
): Promise<void> {
  for (const { source, stream } of read) {
    if (skip.has(source.id)) continue
    await replaceBlobDir(
      importedMetadataDir(dataDir, source.id),
      stream.documents.map((d) => d.raw),
      (digests): ImportedMetadataManifest => ({
        version: 1,
        source_id: source.id,
        url: source.url,
        root: stream.rootUrl,
        verified: stream.verified,
        saved_at: new Date().toISOString(),
        documents: stream.documents.map((d, i) => ({ path: d.path, url: d.url, ...digests[i] }))
      })
    )
  }
}
