import type { CatalogueEntry, CatalogueGroup } from '@shared/types'
import { compareSerials, latestVersion } from './serials'
import type { StreamProduct, VerifiedStream } from './stream-types'

export { compareSerials, latestVersion } from './serials'

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''
}

/** MAAS spells it bootloader-type in streams; accept the underscore form too. */
function bootloaderType(f: Record<string, unknown>): string {
  return str(f['bootloader-type'] ?? f.bootloader_type)
}

function groupOf(fields: Record<string, unknown>, contentId: string): CatalogueGroup {
  if (bootloaderType(fields) || /bootloader/.test(contentId)) return 'bootloader'
  return str(fields.os) === 'ubuntu' ? 'ubuntu' : 'other'
}

/** "stable" from com.ubuntu.maas:stable:v3:download when a stream leaves label out. */
function labelFromContentId(contentId: string): string {
  return contentId.split(':')[1] ?? ''
}

const GROUP_ORDER: Record<CatalogueGroup, number> = { ubuntu: 0, bootloader: 1, other: 2 }

/**
 * The catalogue entry of a product from its expanded scalar fields, its latest version (byte order) and the sum
 * of that version's item sizes. Groups as the MAAS UI shows them: Ubuntu (release x arch x subarch/kflavor),
 * bootloaders (os, type, arch; no release) and other images (CentOS and anything not Ubuntu).
 */
export function entryOf(
  productName: string,
  contentId: string,
  f: Record<string, unknown>,
  latest: string,
  size: number
): CatalogueEntry {
  const group = groupOf(f, contentId)
  const isLoader = group === 'bootloader'
  const entry: CatalogueEntry = {
    group,
    product_name: productName,
    content_id: contentId,
    os: str(f.os),
    release: isLoader ? '' : str(f.release),
    release_title: str(f.release_title),
    arch: str(f.arch),
    subarch: isLoader ? '' : str(f.subarch),
    subarches: str(f.subarches),
    kflavor: str(f.kflavor),
    label: str(f.label) || labelFromContentId(contentId),
    support_eol: str(f.support_eol),
    latest_version: latest,
    size
  }
  if (isLoader) entry.bootloader_type = bootloaderType(f)
  return entry
}

/** The catalogue entry of an expanded product (entryOf); undefined for a product without versions. */
export function catalogueEntry(p: StreamProduct): CatalogueEntry | undefined {
  const latest = latestVersion(Object.keys(p.versions))
  if (!latest) return undefined
  const size = Object.values(p.versions[latest].items).reduce((sum, it) => sum + it.size, 0)
  return entryOf(p.product_name, p.content_id, p.fields, latest, size)
}

/** compareSerials, with equal fields (most os, release and arch fields of a sort) settled without a scan. */
function byField(a: string, b: string): number {
  return a === b ? 0 : compareSerials(a, b)
}

/** Sorts entries in place into the order the Images screen and the CLI list them; returns them. */
export function sortCatalogue(entries: CatalogueEntry[]): CatalogueEntry[] {
  return entries.sort(
    (a, b) =>
      GROUP_ORDER[a.group] - GROUP_ORDER[b.group] ||
      byField(a.os, b.os) ||
      byField(a.release, b.release) ||
      byField(a.arch, b.arch) ||
      byField(a.subarch, b.subarch) ||
      byField(a.kflavor, b.kflavor) ||
      byField(a.product_name, b.product_name)
  )
}

/** One entry per product that has at least one version (catalogueEntry), sorted (sortCatalogue). */
export function buildCatalogue(stream: VerifiedStream): CatalogueEntry[] {
  const entries: CatalogueEntry[] = []
  for (const p of stream.products) {
    const entry = catalogueEntry(p)
    if (entry) entries.push(entry)
  }
  return sortCatalogue(entries)
}
