import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '@shared/errors'
import { z } from 'zod'
import { writeFileAtomic } from '../core/atomic-file'
import { MANIFEST_NAME } from '../core/blob-dir'
import { readJsonDocument } from '../core/json-document'
import { withFileLock } from '../core/file-lock'

/**
 * On-disk copy of the last verified metadata of one source: the exact bytes as served (so staging can
 * reproduce them byte for byte and the catalogue can be shown offline) plus the validators for conditional
 * requests. Layout: <cacheDir>/<sha256(source)[:16]>/manifest.json and one blob per document, named by its
 * sha256 (never by the stream path: ':' is not allowed on FAT/exFAT and Windows).
 */
const cachedDocumentSchema = z
  .object({
    path: z.string().min(1).max(4096),
    url: z.string().max(8192),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits'),
    size: z.number().int().nonnegative(),
    etag: z.string().max(1024).optional(),
    lastModified: z.string().max(256).optional(),
    /** the document's own `updated` date, checked by assertNotRolledBack on the next read */
    updated: z.string().max(256).optional()
  })
  .strict()

const cacheManifestSchema = z
  .object({
    version: z.literal(1),
    source: z.string().max(8192),
    root: z.string().max(8192),
    index_path: z.string().max(4096),
    verified: z.boolean(),
    saved_at: z.string().max(64),
    documents: z.array(cachedDocumentSchema).max(100_000)
  })
  .strict()

export type CachedDocument = z.infer<typeof cachedDocumentSchema>
export type CacheManifest = z.infer<typeof cacheManifestSchema>

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function entryDir(cacheDir: string, source: string): string {
  return join(cacheDir, createHash('sha256').update(source).digest('hex').slice(0, 16))
}

/** Where the manifest of one source's cached metadata is. */
export function cacheManifestPath(cacheDir: string, source: string): string {
  return join(entryDir(cacheDir, source), MANIFEST_NAME)
}

/**
 * The cached metadata of `source`; null when there is none (or the entry is another source's). A damaged
 * manifest is named (AppError 'damaged_file'), not taken for an empty cache: it also carries the dates
 * the rollback check compares against.
 */
export async function readCacheManifest(cacheDir: string, source: string): Promise<CacheManifest | null> {
  const m = await readJsonDocument({
    path: cacheManifestPath(cacheDir, source),
    schema: cacheManifestSchema,
    what: `the cached metadata of ${source}`
  })
  return m && m.source === source ? m : null
}

/** The cached bytes of one document, checked against the recorded sha256 (a damaged cache is no cache). */
export async function readCachedBlob(
  cacheDir: string,
  source: string,
  doc: CachedDocument
): Promise<Buffer | null> {
  try {
    const data = await readFile(join(entryDir(cacheDir, source), doc.sha256))
    return sha256Hex(data) === doc.sha256 ? data : null
  } catch {
    return null
  }
}

/**
 * Replaces the cache entry of a source; called only after every document verified. Writers of one
 * source (the app's catalogue and an import, possibly in two processes) take turns under a lock:
 * each one's clean-up sweep would otherwise delete the other's files.
 */
export async function writeCache(
  cacheDir: string,
  manifest: Omit<CacheManifest, 'version' | 'saved_at' | 'documents'>,
  docs: Array<Omit<CachedDocument, 'sha256' | 'size'> & { raw: Buffer }>
): Promise<void> {
  const dir = entryDir(cacheDir, manifest.source)
  try {
    await mkdir(dir, { recursive: true })
    await withFileLock(`${dir}.lock`, async () => {
      const documents: CachedDocument[] = []
      for (const d of docs) {
        const sha256 = sha256Hex(d.raw)
        await writeFileAtomic(join(dir, sha256), d.raw)
        documents.push({
          path: d.path,
          url: d.url,
          sha256,
          size: d.raw.length,
          etag: d.etag,
          lastModified: d.lastModified,
          updated: d.updated
        })
      }
      const full: CacheManifest = { version: 1, saved_at: new Date().toISOString(), ...manifest, documents }
      await writeFileAtomic(join(dir, MANIFEST_NAME), `${JSON.stringify(full, null, 1)}\n`)
      const keep = new Set([MANIFEST_NAME, ...documents.map((d) => d.sha256)])
      for (const name of await readdir(dir)) if (!keep.has(name)) await rm(join(dir, name), { force: true })
    })
  } catch (err) {
    throw new AppError('io', `cannot write metadata cache in ${dir}: ${(err as Error).message}`, {
      cause: err
    })
  }
}

/**
 * Refuses signed metadata older than the copy already verified and cached for the same source and path. A
 * signature only says who wrote a document, not when it was served: without this, a mirror (or anyone on the
 * path) could replay an old, correctly signed stream and hide newer images or bring back withdrawn ones.
 * Documents without a parseable `updated` on either side are not compared.
 */
export function assertNotRolledBack(
  cached: CacheManifest | null,
  docs: ReadonlyArray<{ path: string; url: string; updated?: string }>
): void {
  if (!cached) return
  for (const doc of docs) {
    const prior = cached.documents.find((d) => d.path === doc.path)
    if (!prior?.updated || !doc.updated) continue
    const before = Date.parse(prior.updated)
    const now = Date.parse(doc.updated)
    if (Number.isNaN(before) || Number.isNaN(now) || now >= before) continue
    throw new AppError(
      'stream_invalid',
      `rollback refused: ${doc.url} is dated ${doc.updated}, older than the copy of ${doc.path} already ` +
        `verified and cached (${prior.updated}); the mirror may be replaying old signed metadata`
    )
  }
}
