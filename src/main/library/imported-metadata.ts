/**
 * The raw signed metadata an import used, kept byte for byte under
 * `<dataDir>/imported-metadata/<sourceId>/` (files named by sha256, as ':' is not allowed on FAT/exFAT),
 * with a manifest mapping stream paths to them (core/blob-dir.ts: the same locked, atomic replacement
 * as the metadata cache). Staging reproduces the mirror from this, so it is only replaced after an
 * import in which every resource of that source synced.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { dataLayout } from '../core/data-layout'
import type { BootSource } from '@shared/types'
import { MANIFEST_NAME, replaceBlobDir } from '../core/blob-dir'
import { readJsonDocument } from '../core/json-document'
import type { VerifiedStream } from '../streams/read-stream'

const importedMetadataManifestSchema = z
  .object({
    version: z.literal(1),
    source_id: z.number().int().positive(),
    url: z.string().max(4096),
    root: z.string().max(4096),
    verified: z.boolean(),
    saved_at: z.string().max(64),
    documents: z
      .array(
        z
          .object({
            path: z.string().min(1).max(4096),
            url: z.string().max(8192),
            sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits'),
            size: z.number().int().nonnegative()
          })
          .strict()
      )
      .max(100_000)
  })
  .strict()

export type ImportedMetadataManifest = z.infer<typeof importedMetadataManifestSchema>

/** Where the manifest of one source's imported metadata is. */
export function importedManifestPath(dataDir: string, sourceId: number): string {
  return join(importedMetadataDir(dataDir, sourceId), MANIFEST_NAME)
}

/** The manifest of one source's imported metadata; undefined before its first complete import. */
export async function readImportedManifest(
  dataDir: string,
  sourceId: number
): Promise<ImportedMetadataManifest | undefined> {
  return readJsonDocument({
    path: importedManifestPath(dataDir, sourceId),
    schema: importedMetadataManifestSchema,
    what: `the metadata the last import of boot source ${sourceId} used`
  })
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
