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

function groupOf(p: StreamProduct): CatalogueGroup {
  if (bootloaderType(p.fields) || /bootloader/.test(p.content_id)) return 'bootloader'
  return str(p.fields.os) === 'ubuntu' ? 'ubuntu' : 'other'
}

/** "stable" from com.ubuntu.maas:stable:v3:download when a stream leaves label out. */
function labelFromContentId(contentId: string): string {
  return contentId.split(':')[1] ?? ''
}

const GROUP_ORDER: Record<CatalogueGroup, number> = { ubuntu: 0, bootloader: 1, other: 2 }

/**
 * One entry per product that has at least one version: the latest version (byte order) and the sum of its
 * item sizes. Groups as the MAAS UI shows them: Ubuntu (release x arch x subarch/kflavor), bootloaders
 * (os, type, arch; no release) and other images (CentOS and anything not Ubuntu).
 */
export function buildCatalogue(stream: VerifiedStream): CatalogueEntry[] {
  const entries: CatalogueEntry[] = []
  for (const p of stream.products) {
    const latest = latestVersion(Object.keys(p.versions))
    if (!latest) continue
    const f = p.fields
    const group = groupOf(p)
    const isLoader = group === 'bootloader'
    const items = Object.values(p.versions[latest].items)
    const entry: CatalogueEntry = {
      group,
      product_name: p.product_name,
      content_id: p.content_id,
      os: str(f.os),
      release: isLoader ? '' : str(f.release),
      release_title: str(f.release_title),
      arch: str(f.arch),
      subarch: isLoader ? '' : str(f.subarch),
      subarches: str(f.subarches),
      kflavor: str(f.kflavor),
      label: str(f.label) || labelFromContentId(p.content_id),
      support_eol: str(f.support_eol),
      latest_version: latest,
      size: items.reduce((sum, it) => sum + it.size, 0)
    }
    if (isLoader) entry.bootloader_type = bootloaderType(f)
    entries.push(entry)
  }
  return entries.sort(
    (a, b) =>
      GROUP_ORDER[a.group] - GROUP_ORDER[b.group] ||
      compareSerials(a.os, b.os) ||
      compareSerials(a.release, b.release) ||
      compareSerials(a.arch, b.arch) ||
      compareSerials(a.subarch, b.subarch) ||
      compareSerials(a.kflavor, b.kflavor) ||
      compareSerials(a.product_name, b.product_name)
  )
}
