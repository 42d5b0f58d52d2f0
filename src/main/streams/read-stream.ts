import type { ProxySettings } from '@shared/types'
import { AppError } from '@shared/errors'
import { fetchBytes } from '../net/fetch-bytes'
import { formatLimit, MAX_INDEX_ENTRIES, MAX_METADATA_BYTES, MAX_SOURCE_METADATA_BYTES } from '../net/limits'
import { expandEachProduct } from './expand-products'
import { keyringName, loadKeyring, type KeyringRef } from './keyring'
import {
  assertNotRolledBack,
  readCacheManifest,
  readCachedBlob,
  writeCache,
  type CacheManifest
} from './metadata-cache'
import { ObjectBudget } from './object-budget'
import { openDocument, type Trust } from './open-document'
import { assertSafeItemPath, joinStreamPath } from './safe-path'
import { indexSchema, parseDocument, parseJson, productsSchema, type ProductsDoc } from './schema'
import { resolveSource, type StreamSource } from './source'
import type { StreamDocument, StreamProduct, VerifiedDocuments, VerifiedStream } from './stream-types'

export type {
  StreamDocument,
  StreamItem,
  StreamProduct,
  StreamVersion,
  VerifiedDocuments,
  VerifiedStream
} from './stream-types'

/**
 * Walks one verified, schema-checked products document: it must check every product, version and item before
 * using it, as expandEachProduct (readStream) and catalogueOfProducts (the catalogue, Connect) do. `contentId`
 * is the document's own content_id or else the index's; `path` names it in messages.
 */
export type ProductsWalk = (doc: ProductsDoc, contentId: string, path: string) => void

export interface ReadStreamOptions {
  url: string
  keyring?: KeyringRef
  proxy?: Partial<ProxySettings>
  /** keep verified raw documents + validators here; enables 304 revalidation and offline use */
  metadataCacheDir?: string
  signal?: AbortSignal
  /** default 64 MiB; injectable so tests need not build a 64 MiB file */
  maxMetadataBytes?: number
}

/** Reads one stream document by its root-relative path. */
type Fetcher = (rel: string) => Promise<{ raw: Buffer; url: string; etag?: string; lastModified?: string }>

async function trustFor(
  source: StreamSource,
  keyring: KeyringRef | undefined,
  signal?: AbortSignal
): Promise<Trust> {
  if (!source.signed) return { signed: false, keys: [], keyringLabel: '' }
  if (!keyring || (!keyring.keyring_filename && !keyring.keyring_data)) {
    throw new AppError(
      'keyring',
      `no keyring configured for ${source.input}: signed streams need keyring_filename or keyring_data`
    )
  }
  return { signed: true, keys: await loadKeyring(keyring, signal), keyringLabel: keyringName(keyring) }
}

/** The document's own `updated` date, when it has one (used to refuse rollbacks). */
function updatedOf(json: unknown): string | undefined {
  const u = (json as { updated?: unknown } | null)?.updated
  return typeof u === 'string' ? u : undefined
}

/**
 * Index, then every products file it names: each verified (unless unsigned policy), parsed from the verified
 * text, schema-checked and handed to `walk`. Any failure aborts the whole read: a half-verified catalogue is worse
 * than none (a walk may have seen some products by then; what it gathered must be dropped when this throws).
 *
 * Memory is bounded for a hostile stream: at most MAX_INDEX_ENTRIES entries, each distinct path fetched once,
 * one products file at a time, MAX_SOURCE_METADATA_BYTES and MAX_STREAM_OBJECTS in all, and each document's text and parsed tree are
 * dropped as soon as it is expanded (only the raw bytes stay, for the cache).
 */
async function readAll(
  source: StreamSource,
  trust: Trust,
  fetch: Fetcher,
  walk: ProductsWalk
): Promise<VerifiedDocuments> {
  const documents: StreamDocument[] = []
  let totalBytes = 0
  const objects = new ObjectBudget(source.input)
  /** Fetches and verifies one document; returns its parsed JSON (the verified text is not kept). */
  const load = async (rel: string): Promise<unknown> => {
    const got = await fetch(rel)
    totalBytes += got.raw.length
    if (totalBytes > MAX_SOURCE_METADATA_BYTES) {
      throw new AppError(
        'stream_invalid',
        `${source.input}: metadata over ${formatLimit(MAX_SOURCE_METADATA_BYTES)} in all (at ${rel}): refused`
      )
    }
    objects.take(got.raw, rel)
    const { text, signature } = await openDocument(got.raw, rel, got.url, trust)
    const json = parseJson(text, rel)
    documents.push({ path: rel, url: got.url, raw: got.raw, signature, updated: updatedOf(json) })
    return json
  }

  const indexDoc = parseDocument(indexSchema, await load(source.indexPath), 'index:1.0', source.indexPath)

  const entries = Object.entries(indexDoc.index).filter(([, e]) => !e.format || e.format === 'products:1.0')
  if (entries.length > MAX_INDEX_ENTRIES) {
    throw new AppError(
      'stream_invalid',
      `${source.indexPath} names ${entries.length} products files, more than the ${MAX_INDEX_ENTRIES} allowed`
    )
  }
  // One fetch per distinct path, however often the index names it (the first content id names it).
  const byPath = new Map<string, string>()
  for (const [contentId, entry] of entries) {
    assertSafeItemPath(entry.path, `${source.indexPath}: content ${contentId}`)
    if (!byPath.has(entry.path)) byPath.set(entry.path, contentId)
  }
  for (const [path, contentId] of byPath) {
    const parsed = parseDocument(productsSchema, await load(path), 'products:1.0', path)
    walk(parsed, parsed.content_id ?? contentId, path)
  }
  return { rootUrl: source.root, verified: trust.signed, documents }
}

/** A read whose products documents are expanded in full, every product kept (see readStream). */
async function withProducts(
  read: (walk: ProductsWalk) => Promise<VerifiedDocuments>
): Promise<VerifiedStream> {
  const products: StreamProduct[] = []
  const keep = (p: StreamProduct): number => products.push(p)
  const docs = await read((doc, contentId, path) => expandEachProduct(doc, contentId, path, keep))
  return { ...docs, products }
}

/**
 * Reads and verifies a whole stream from an http(s) URL, file:// URL or directory, every product expanded and
 * validated. With metadataCacheDir, an unchanged stream costs one conditional request per document (304) and
 * the verified bytes are kept for offline use (loadCachedStream) and byte-exact staging.
 */
export async function readStream(opts: ReadStreamOptions): Promise<VerifiedStream> {
  return withProducts((walk) => readStreamDocuments(opts, walk))
}

/** A verified read that can still be written into a metadata cache (Connect's, before its source is saved). */
export interface VerifiedForCache extends VerifiedDocuments {
  /**
   * Writes these documents, with their validators, as this stream's entry in `cacheDir`: what a read with
   * metadataCacheDir writes. Refuses (rollback, nothing written) when the entry there holds newer signed copies.
   */
  saveTo(cacheDir: string): Promise<void>
}

/**
 * readStream with each products document handed to `walk` instead of expanded: the same fetches, verification,
 * budgets, rollback check and cache; what is kept of the products is up to the walk (the catalogue keeps one
 * entry per product, Connect nothing).
 */
export async function readStreamDocuments(
  opts: ReadStreamOptions,
  walk: ProductsWalk
): Promise<VerifiedDocuments> {
  const { saveTo, ...stream } = await readStreamForCache(opts, walk)
  if (opts.metadataCacheDir) await saveTo(opts.metadataCacheDir)
  return stream
}

/**
 * readStreamDocuments without writing the cache: the caller decides where, if anywhere, the verified documents
 * go (saveTo). Connect uses it: the source it checks has no cache directory until it is saved.
 */
export async function readStreamForCache(
  opts: ReadStreamOptions,
  walk: ProductsWalk
): Promise<VerifiedForCache> {
  const source = resolveSource(opts.url)
  const trust = await trustFor(source, opts.keyring, opts.signal)
  const cacheDir = opts.metadataCacheDir
  const cached = cacheDir ? await readCacheManifest(cacheDir, source.input) : null
  const validators: Map<string, { etag?: string; lastModified?: string }> = new Map()

  const fetch: Fetcher = async (rel) => {
    const location = joinStreamPath(source.root, rel)
    const prior = cached?.documents.find((d) => d.path === rel)
    const res = await fetchBytes(location, {
      proxy: opts.proxy,
      signal: opts.signal,
      maxBytes: opts.maxMetadataBytes ?? MAX_METADATA_BYTES,
      localRoot: source.root,
      etag: prior?.etag,
      lastModified: prior?.lastModified
    })
    validators.set(rel, { etag: res.etag, lastModified: res.lastModified })
    if (res.notModified && prior && cacheDir) {
      const raw = await readCachedBlob(cacheDir, source.input, prior)
      if (raw) return { raw, url: res.url }
      // Cache damaged: fetch unconditionally.
      const fresh = await fetchBytes(location, {
        proxy: opts.proxy,
        signal: opts.signal,
        maxBytes: opts.maxMetadataBytes ?? MAX_METADATA_BYTES,
        localRoot: source.root
      })
      validators.set(rel, { etag: fresh.etag, lastModified: fresh.lastModified })
      return { raw: fresh.data, url: fresh.url }
    }
    return { raw: res.data, url: res.url }
  }

  const stream = await readAll(source, trust, fetch, walk)
  assertNotRolledBack(cached, stream.documents)
  const saveTo = async (dir: string): Promise<void> => {
    // The entry read above (for the 304s) was already checked; any other may hold newer copies.
    if (dir !== cacheDir) assertNotRolledBack(await readCacheManifest(dir, source.input), stream.documents)
    await writeCache(
      dir,
      { source: source.input, root: source.root, index_path: source.indexPath, verified: stream.verified },
      stream.documents.map((d) => ({
        path: d.path,
        url: d.url,
        raw: d.raw,
        updated: d.updated,
        ...validators.get(d.path)
      }))
    )
  }
  return { ...stream, saveTo }
}

/**
 * The last verified metadata of a source, re-verified from the cache without touching the network (the app
 * shows the catalogue offline with it). Fails with not_found when nothing usable is cached.
 */
export async function loadCachedStream(
  metadataCacheDir: string,
  url: string,
  keyring?: KeyringRef
): Promise<VerifiedStream> {
  return withProducts((walk) => loadCachedStreamDocuments(metadataCacheDir, url, keyring, walk))
}

/** loadCachedStream with each products document handed to `walk` instead of expanded (see readStreamDocuments). */
export async function loadCachedStreamDocuments(
  metadataCacheDir: string,
  url: string,
  keyring: KeyringRef | undefined,
  walk: ProductsWalk
): Promise<VerifiedDocuments> {
  const source = resolveSource(url)
  const manifest: CacheManifest | null = await readCacheManifest(metadataCacheDir, source.input)
  if (!manifest) throw new AppError('not_found', `no cached metadata for ${source.input}`)
  const trust = await trustFor(source, keyring)
  const fetch: Fetcher = async (rel) => {
    const entry = manifest.documents.find((d) => d.path === rel)
    const raw = entry ? await readCachedBlob(metadataCacheDir, source.input, entry) : null
    if (!entry || !raw)
      throw new AppError('not_found', `${rel} of ${source.input} is not in the metadata cache`)
    return { raw, url: entry.url }
  }
  return readAll(source, trust, fetch, walk)
}

/**
 * Verifies a stream whose documents come from elsewhere than its location (a copy kept byte for byte,
 * e.g. the metadata an import used): same checks as readStream, no network.
 */
export async function readStreamFrom(
  url: string,
  keyring: KeyringRef | undefined,
  read: (rel: string) => Promise<{ raw: Buffer; url: string }>
): Promise<VerifiedStream> {
  const source = resolveSource(url)
  const trust = await trustFor(source, keyring)
  return withProducts((walk) => readAll(source, trust, read, walk))
}
