/**
 * The import plan: which boot resources the selections ask for (latest version of each matching
 * product, plus every bootloader, as MAAS does), which files they need, and the unique blobs
 * (deduplicated by sha256: kernels of one release share a squashfs) to fetch.
 */
import { posix } from 'node:path'
import type { BootSource, BootSourceSelection } from '@shared/types'
import { anySelectionMatches } from '@shared/selection-rules'
import { isBootloader, resourceIdentity, resourceKey, type ResourceIdentity } from './resource-identity'
import type { StreamProduct, StreamVersion, VerifiedStream } from '../../streams/stream-types'
import { itemUrl } from './item-url'
import { latestVersion } from '../../streams/serials'

/** Stream items that are not files to import. */
const NOT_FILES = new Set(['notifications'])

/**
 * The largest item the importer accepts: 64 GiB. The largest real MAAS items (squashfs, root-tgz) are under
 * 1 GB and custom images (Windows, RHEL) a few tens of GB at most, so this leaves room; a claim beyond it is a
 * broken or hostile stream, which would otherwise make the free-space check (that adds every missing byte)
 * refuse the whole import, and the progress figures meaningless. Such an item fails its own resource only.
 */
export const MAX_ITEM_BYTES = 64 * 1024 ** 3

export interface PlannedFile {
  sha256: string
  size: number
  /** over MAX_ITEM_BYTES: listed (so its set never looks complete) but never fetched */
  refused?: boolean
  filename: string
  filetype: string
  item: string
  product: string
  url: string
}

export interface PlannedResource extends ResourceIdentity {
  key: string
  source_id: number
  product_name: string
  version: string
  size: number
  files: PlannedFile[]
}

/** One unique file to have in the cache, with every place it can be fetched from. */
export interface PlannedBlob {
  sha256: string
  size: number
  urls: string[]
  refs: Array<{ resourceKey: string; product: string; item: string }>
}

export interface PlanProblem {
  resource?: string
  file?: string
  code: 'stream_invalid'
  message: string
}

export interface Plan {
  resources: PlannedResource[]
  blobs: PlannedBlob[]
  problems: PlanProblem[]
}

export interface PlanSource {
  source: BootSource
  selections: BootSourceSelection[]
  /** only what planning reads of a verified stream */
  stream: Pick<VerifiedStream, 'rootUrl' | 'products'>
}

/** Serials sort in plain byte order (LANG=C); the greatest is the latest. */
export function latestSerial(serials: readonly string[]): string | undefined {
  return latestVersion([...serials]) || undefined
}

/** Whether a product is wanted: bootloaders always; everything else when a selection of its source matches. */
export function productWanted(
  product: StreamProduct,
  version: StreamVersion | undefined,
  selections: readonly BootSourceSelection[]
): boolean {
  if (isBootloader(product)) return true
  const id = resourceIdentity(product, version)
  const fields = { os: id.os, release: id.release, arch: id.arch, label: id.label }
  return stillSelected(selections, { ...fields, subarch: id.subarch, stream_subarch: id.stream_subarch })
}

/** Matches on the stream's own subarch, and on the flavoured one a selection may name (ga-24.04-lowlatency). */
export function stillSelected(
  selections: readonly BootSourceSelection[],
  f: { os: string; release: string; arch: string; label: string; subarch: string; stream_subarch: string }
): boolean {
  return (
    anySelectionMatches(selections, { ...f, subarch: f.stream_subarch }) || anySelectionMatches(selections, f)
  )
}

export function buildPlan(sources: readonly PlanSource[]): Plan {
  const resources = new Map<string, PlannedResource>()
  const problems: PlanProblem[] = []
  for (const { source, selections, stream } of sources) {
    for (const product of stream.products) {
      const serial = latestSerial(Object.keys(product.versions))
      if (serial === undefined) continue
      const version = product.versions[serial]
      if (!productWanted(product, version, selections)) continue
      const id = resourceIdentity(product, version)
      const key = resourceKey(id)
      // The first source (and first product) that provides a resource wins, as MAAS prefers earlier sources.
      if (resources.has(key)) continue
      const planned: PlannedResource = {
        ...id,
        key,
        source_id: source.id,
        product_name: product.product_name,
        version: serial,
        size: 0,
        files: []
      }
      const names = new Set<string>()
      for (const item of Object.values(version.items)) {
        if (NOT_FILES.has(item.ftype)) continue
        const label = `${id.name} ${id.architecture}`
        if (!item.sha256 || !/^[0-9a-f]{64}$/.test(item.sha256)) {
          problems.push({
            resource: label,
            file: item.name,
            code: 'stream_invalid',
            message: `${product.product_name} ${item.name} has no sha256 checksum; the cache needs one`
          })
          continue
        }
        // MAAS names a set's files after the file in the stream (squashfs, boot-kernel, grub2-signed.tar.xz).
        let filename = posix.basename(item.path)
        if (names.has(filename)) filename = item.name
        names.add(filename)
        const refused = item.size > MAX_ITEM_BYTES
        if (refused) {
          problems.push({
            resource: label,
            file: filename,
            code: 'stream_invalid',
            message:
              `${product.product_name} ${item.name}: its size of ${item.size} bytes is over the ` +
              `${MAX_ITEM_BYTES / 1024 ** 3} GiB limit for one item; refused`
          })
        }
        planned.files.push({
          ...(refused ? { refused } : {}),
          sha256: item.sha256,
          size: item.size,
          filename,
          filetype: item.ftype,
          item: item.name,
          product: product.product_name,
          url: itemUrl(stream.rootUrl, item.path)
        })
        planned.size += item.size
      }
      resources.set(key, planned)
    }
  }
  return { resources: [...resources.values()], blobs: dedupe([...resources.values()], problems), problems }
}

function dedupe(resources: readonly PlannedResource[], problems: PlanProblem[]): PlannedBlob[] {
  const blobs = new Map<string, PlannedBlob>()
  for (const r of resources) {
    for (const f of r.files) {
      if (f.refused) continue
      let blob = blobs.get(f.sha256)
      if (!blob) {
        blob = { sha256: f.sha256, size: f.size, urls: [], refs: [] }
        blobs.set(f.sha256, blob)
      } else if (blob.size !== f.size) {
        problems.push({
          resource: `${r.name} ${r.architecture}`,
          file: f.filename,
          code: 'stream_invalid',
          message: `${f.product} ${f.item}: size ${f.size} differs from ${blob.size} given elsewhere for sha256 ${f.sha256}`
        })
        continue
      }
      if (!blob.urls.includes(f.url)) blob.urls.push(f.url)
      blob.refs.push({ resourceKey: r.key, product: f.product, item: f.item })
    }
  }
  return [...blobs.values()]
}
