/**
 * What a staged mirror of one boot source holds: the signed documents the last complete import used,
 * byte for byte (re-verified here, offline, with the source's keyring), and the item files of every
 * complete cached resource of that source at their upstream paths, each backed by a cache blob.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '@shared/errors'
import type { BootSource } from '@shared/types'
import { sha256Hex } from '../streams/metadata-cache'
import { readStreamFrom } from '../streams/read-stream'
import { assertSafeItemPath } from '../streams/safe-path'
import { BlobCache } from './blob-cache'
import {
  importedManifestPath,
  importedMetadataDir,
  readImportedManifest,
  type ImportedMetadataManifest
} from './imported-metadata'
import { ResourceStore, newestCompleteSet } from './resource-store'

export interface StagedDocument {
  path: string
  raw: Buffer
}

export interface StagedItem {
  /** upstream path, relative to the stream root */
  path: string
  sha256: string
  size: number
  /** the cache blob holding its bytes */
  blob: string
}

export interface StagedImage {
  name: string
  architecture: string
  version: string
  bootloader: boolean
}

/** One image as the Images table shows it (release × architecture, kernels together), with its bytes. */
export interface StagedChoice {
  os: string
  release: string
  arch: string
  /** bytes of its item files (files shared with another image counted in each) */
  bytes: number
}

export interface StagedContent {
  source: BootSource
  /** every image that could be staged, whatever the filter: what the admin chooses from */
  choices: StagedChoice[]
  documents: StagedDocument[]
  items: StagedItem[]
  images: StagedImage[]
  /** fingerprint(s) of the key(s) that signed the documents, upper-case hex */
  fingerprints: string[]
  bytes: number
}

export interface ContentFilter {
  os?: string
  release?: string
  arch?: string
  /** only these images (release × architecture); absent: all */
  images?: ReadonlyArray<{ os: string; release: string; arch: string }>
}

async function readManifest(dataDir: string, source: BootSource): Promise<ImportedMetadataManifest> {
  const m = await readImportedManifest(dataDir, source.id)
  if (!m)
    // Said as the admin's next step; the file that is missing is a detail (the screen's details line, the
    // CLI's parentheses).
    throw new AppError(
      'not_found',
      `boot source ${source.id} has no complete import yet: sync its images first (Sync on the Images page, or maas-images boot-resources import)`,
      { detail: `${importedManifestPath(dataDir, source.id)} does not exist` }
    )
  return m
}

const matches = (want: string | undefined, got: string): boolean => !want || want === '*' || want === got

const choiceKey = (c: { os: string; release: string; arch: string }): string =>
  `${c.os}/${c.release}/${c.arch}`

function chosen(filter: ContentFilter, r: { os: string; release: string; arch: string }): boolean {
  if (!(matches(filter.os, r.os) && matches(filter.release, r.release) && matches(filter.arch, r.arch)))
    return false
  return !filter.images || filter.images.some((c) => choiceKey(c) === choiceKey(r))
}

/**
 * Works out the content; fails when the source's metadata or a blob is not usable. `filter` narrows
 * the images (bootloaders always come along: MAAS cannot boot without them).
 */
export async function stagedContent(
  dataDir: string,
  source: BootSource,
  filter: ContentFilter = {}
): Promise<StagedContent> {
  const manifest = await readManifest(dataDir, source)
  const dir = importedMetadataDir(dataDir, source.id)
  const byPath = new Map(manifest.documents.map((d) => [d.path, d]))
  const raws = new Map<string, Buffer>()
  const stream = await readStreamFrom(
    source.url,
    { keyring_filename: source.keyring_filename, keyring_data: source.keyring_data },
    async (rel) => {
      const d = byPath.get(rel)
      if (!d)
        throw new AppError('not_found', `${rel} of boot source ${source.id} was not kept by the last import`)
      const raw = await readFile(join(dir, d.sha256))
      if (sha256Hex(raw) !== d.sha256)
        throw new AppError('checksum', `the kept copy of ${rel} (${join(dir, d.sha256)}) is damaged`)
      raws.set(rel, raw)
      return { raw, url: d.url }
    }
  )
  const documents = stream.documents.map((d) => ({ path: d.path, raw: d.raw }))
  const fingerprints = [
    ...new Set(stream.documents.map((d) => d.signature.fingerprint).filter((f): f is string => !!f))
  ]

  const products = new Map(stream.products.map((p) => [p.product_name, p]))
  const cache = new BlobCache(dataDir)
  const doc = await new ResourceStore(dataDir).read()
  const items = new Map<string, StagedItem>()
  const images: StagedImage[] = []
  const choices = new Map<string, StagedChoice>()
  for (const r of doc.resources) {
    if (r.source_id !== source.id) continue
    const set = newestCompleteSet(r)
    const version = set && products.get(r.product_name)?.versions[set.version]
    if (!set || !version) continue
    const wanted = new Set(Object.values(set.files).map((f) => f.sha256))
    const own = Object.values(version.items).filter((it) => it.sha256 && wanted.has(it.sha256))
    if (!r.bootloader) {
      const c = choices.get(choiceKey(r)) ?? { os: r.os, release: r.release, arch: r.arch, bytes: 0 }
      c.bytes += own.reduce((n, it) => n + it.size, 0)
      choices.set(choiceKey(r), c)
      if (!chosen(filter, r)) continue
    }
    for (const it of own) {
      assertSafeItemPath(it.path, `${r.product_name} ${set.version}`)
      if (!(await cache.has(it.sha256!, it.size)))
        throw new AppError('not_found', `${it.path} (sha256 ${it.sha256}) is not in the cache any more`)
      items.set(it.path, {
        path: it.path,
        sha256: it.sha256!,
        size: it.size,
        blob: cache.blobPath(it.sha256!)
      })
    }
    images.push({
      name: r.name,
      architecture: r.architecture,
      version: set.version,
      bootloader: r.bootloader
    })
  }
  const list = [...items.values()].sort((a, b) => (a.path < b.path ? -1 : 1))
  images.sort((a, b) => `${a.name} ${a.architecture}`.localeCompare(`${b.name} ${b.architecture}`))
  return {
    source,
    choices: [...choices.values()].sort((a, b) => choiceKey(a).localeCompare(choiceKey(b))),
    documents,
    items: list,
    images,
    fingerprints,
    bytes: list.reduce((n, i) => n + i.size, 0) + documents.reduce((n, d) => n + d.raw.length, 0)
  }
}
