import type { ProxySettings } from '../../shared/types'
import { AppError } from '../../shared/errors'
import { fetchBytes } from '../net/fetch-bytes'
import { MAX_METADATA_BYTES } from '../net/limits'
import { expandProducts } from './expand-products'
import { keyringName, loadKeyring, type KeyringRef } from './keyring'
import { readCacheManifest, readCachedBlob, writeCache, type CacheManifest } from './metadata-cache'
import { openDocument, type Trust } from './open-document'
import { assertSafeItemPath, joinStreamPath } from './safe-path'
import { indexSchema, parseDocument, parseJson, productsSchema } from './schema'
import { resolveSource, type StreamSource } from './source'
import type { StreamDocument, StreamProduct, VerifiedStream } from './stream-types'

export type { StreamDocument, StreamItem, StreamProduct, StreamVersion, VerifiedStream } from './stream-types'

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

async function trustFor(source: StreamSource, keyring: KeyringRef | undefined): Promise<Trust> {
  if (!source.signed) return { signed: false, keys: [], keyringLabel: '' }
  if (!keyring || (!keyring.keyring_filename && !keyring.keyring_data)) {
    throw new AppError(
      'keyring',
      `no keyring configured for ${source.input}: signed streams need keyring_filename or keyring_data`
    )
  }
  return { signed: true, keys: await loadKeyring(keyring), keyringLabel: keyringName(keyring) }
}

/**
 * Index, then every products file it names: each verified (unless unsigned policy), parsed from the verified
 * text, schema-checked and expanded. Any failure aborts the whole read: a half-verified catalogue is worse than
 * none.
 */
async function readAll(source: StreamSource, trust: Trust, fetch: Fetcher): Promise<VerifiedStream> {
  const documents: StreamDocument[] = []
  const load = async (rel: string): Promise<{ text: string; doc: StreamDocument }> => {
    const got = await fetch(rel)
    const { text, signature } = await openDocument(got.raw, rel, got.url, trust)
    const doc: StreamDocument = { path: rel, url: got.url, raw: got.raw, signature }
    return { text, doc }
  }

  const index = await load(source.indexPath)
  documents.push(index.doc)
  const indexDoc = parseDocument(
    indexSchema,
    parseJson(index.text, source.indexPath),
    'index:1.0',
    source.indexPath
  )

  const entries = Object.entries(indexDoc.index).filter(([, e]) => !e.format || e.format === 'products:1.0')
  for (const [contentId, entry] of entries) {
    assertSafeItemPath(entry.path, `${source.indexPath}: content ${contentId}`)
  }
  const parts = await Promise.all(
    entries.map(async ([contentId, entry]) => {
      const { text, doc } = await load(entry.path)
      const parsed = parseDocument(productsSchema, parseJson(text, entry.path), 'products:1.0', entry.path)
      return { doc, products: expandProducts(parsed, parsed.content_id ?? contentId, entry.path) }
    })
  )
  const products: StreamProduct[] = []
  for (const p of parts) {
    documents.push(p.doc)
    products.push(...p.products)
  }
  return { rootUrl: source.root, verified: trust.signed, documents, products }
}

/**
 * Reads and verifies a whole stream from an http(s) URL, file:// URL or directory. With metadataCacheDir, an
 * unchanged stream costs one conditional request per document (304) and the verified bytes are kept for
 * offline use (loadCachedStream) and byte-exact staging.
 */
export async function readStream(opts: ReadStreamOptions): Promise<VerifiedStream> {
  const source = resolveSource(opts.url)
  const trust = await trustFor(source, opts.keyring)
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
        maxBytes: opts.maxMetadataBytes ?? MAX_METADATA_BYTES
      })
      validators.set(rel, { etag: fresh.etag, lastModified: fresh.lastModified })
      return { raw: fresh.data, url: fresh.url }
    }
    return { raw: res.data, url: res.url }
  }

  const stream = await readAll(source, trust, fetch)
  if (cacheDir) {
    await writeCache(
      cacheDir,
      { source: source.input, root: source.root, index_path: source.indexPath, verified: stream.verified },
      stream.documents.map((d) => ({ path: d.path, url: d.url, raw: d.raw, ...validators.get(d.path) }))
    )
  }
  return stream
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
  return readAll(source, trust, fetch)
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
  return readAll(source, await trustFor(source, keyring), read)
}
