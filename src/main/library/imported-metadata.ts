/**
 * The raw signed metadata an import used, kept byte for byte under
 * `<dataDir>/imported-metadata/<sourceId>/` (files named by sha256, as ':' is not allowed on FAT/exFAT),
 * with a manifest mapping stream paths to them. Staging reproduces the mirror from this, so it is only
 * replaced after an import in which every resource of that source synced.
 */
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { dataLayout } from '../core/data-layout'
import type { BootSource } from '../../shared/types'
import { writeFileAtomic } from '../core/atomic-file'
import { sha256Hex } from '../streams/metadata-cache'
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
    const dir = importedMetadataDir(dataDir, source.id)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const documents: ImportedMetadataManifest['documents'] = []
    for (const d of stream.documents) {
      const sha256 = sha256Hex(d.raw)
      // Atomic like the manifest: a crash mid-write must not leave a truncated blob under a name that
      // says it holds these bytes, and a rename replaces whatever was there instead of writing through it.
      await writeFileAtomic(join(dir, sha256), d.raw)
      documents.push({ path: d.path, url: d.url, sha256, size: d.raw.length })
    }
    const manifest: ImportedMetadataManifest = {
      version: 1,
      source_id: source.id,
      url: source.url,
      root: stream.rootUrl,
      verified: stream.verified,
      saved_at: new Date().toISOString(),
      documents
    }
    await writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1))
    // Older documents no manifest names any more.
    const keep = new Set([...documents.map((d) => d.sha256), 'manifest.json'])
    for (const n of await readdir(dir)) if (!keep.has(n)) await rm(join(dir, n), { force: true })
  }
}
