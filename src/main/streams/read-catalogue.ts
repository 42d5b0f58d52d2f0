import type { CatalogueEntry } from '@shared/types'
import { sortCatalogue } from './catalogue'
import { catalogueOfProducts } from './catalogue-walk'
import type { KeyringRef } from './keyring'
import {
  loadCachedStreamDocuments,
  readStreamDocuments,
  readStreamForCache,
  type ProductsWalk,
  type ReadStreamOptions,
  type VerifiedForCache
} from './read-stream'
import type { VerifiedDocuments } from './stream-types'

/**
 * What opening a catalogue needs from a stream: its verified documents and one entry per product, the same
 * entries as buildCatalogue(readStream(...)). Built while the stream is read (catalogue-walk.ts): every
 * product, version and item is checked exactly as readStream checks it, but nothing is expanded or kept beyond
 * the entries. Whatever imports still reads the full stream with readStream.
 */
export interface StreamCatalogue extends VerifiedDocuments {
  entries: CatalogueEntry[]
}

async function collect(read: (walk: ProductsWalk) => Promise<VerifiedDocuments>): Promise<StreamCatalogue> {
  const entries: CatalogueEntry[] = []
  const keep = (entry: CatalogueEntry): number => entries.push(entry)
  const docs = await read((doc, contentId, path) => catalogueOfProducts(doc, contentId, path, keep))
  return { ...docs, entries: sortCatalogue(entries) }
}

/** readStream's read (fetch, verification, checks, rollback check, cache), giving the catalogue only. */
export function readCatalogue(opts: ReadStreamOptions): Promise<StreamCatalogue> {
  return collect((walk) => readStreamDocuments(opts, walk))
}

/** loadCachedStream's read, giving the catalogue only. */
export function loadCachedCatalogue(
  metadataCacheDir: string,
  url: string,
  keyring?: KeyringRef
): Promise<StreamCatalogue> {
  return collect((walk) => loadCachedStreamDocuments(metadataCacheDir, url, keyring, walk))
}

/**
 * Reads and checks a whole stream as readStream does (every item of every version validated), keeping only one
 * catalogue entry per product: what Connect needs to say whether a source can be used and what it offers.
 * Nothing is written (opts.metadataCacheDir is not used): the verified documents can be saved once the source
 * is (saveTo), so that the catalogue shown next does not fetch the stream a second time.
 */
export async function checkStream(opts: ReadStreamOptions): Promise<VerifiedForCache & StreamCatalogue> {
  const entries: CatalogueEntry[] = []
  const keep = (entry: CatalogueEntry): number => entries.push(entry)
  const checked = await readStreamForCache({ ...opts, metadataCacheDir: undefined }, (doc, contentId, path) =>
    catalogueOfProducts(doc, contentId, path, keep)
  )
  return Object.assign(checked, { entries: sortCatalogue(entries) })
}
