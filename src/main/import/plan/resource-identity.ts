/**
 * MAAS boot-resource identity for a stream product: name `{os}/{release}` and architecture
 * `{arch}/{subarch}`; bootloaders are `{os}/{bootloader-type}` on `{arch}/generic`.
 */
import type { ResourceIdentity } from '../../library/resource-store'
import type { StreamProduct, StreamVersion } from '../../streams/stream-types'

export type { ResourceIdentity } from '../../library/resource-store'

/** A scalar field as a string, looked up on the version first (inheritance flows downwards), then the product. */
export function fieldOf(product: StreamProduct, version: StreamVersion | undefined, key: string): string {
  const v = version?.fields?.[key] ?? product.fields[key]
  return v === undefined || v === null ? '' : String(v)
}

export function isBootloader(product: StreamProduct): boolean {
  return fieldOf(product, undefined, 'bootloader-type') !== '' || /bootloader/.test(product.content_id)
}

export function resourceIdentity(product: StreamProduct, version?: StreamVersion): ResourceIdentity {
  const f = (k: string): string => fieldOf(product, version, k)
  const os = f('os')
  const arch = f('arch')
  const label = f('label')
  if (isBootloader(product)) {
    const type = f('bootloader-type')
    return {
      name: `${os}/${type}`,
      architecture: `${arch}/generic`,
      bootloader: true,
      os,
      release: '',
      arch,
      subarch: 'generic',
      stream_subarch: 'generic',
      label,
      title: '',
      subarches: ''
    }
  }
  const streamSubarch = f('subarch') || 'generic'
  const subarch = maasSubarch(streamSubarch, f('kflavor'))
  const release = f('release')
  return {
    name: `${os}/${release}`,
    architecture: `${arch}/${subarch}`,
    bootloader: false,
    os,
    release,
    arch,
    subarch,
    stream_subarch: streamSubarch,
    label,
    title: maasTitle(f('os_title'), f('release_title'), f('gadget_title')) || f('release_title') || release,
    subarches: f('subarches') || subarch
  }
}

/**
 * MAAS's subarch for a kernel flavour (maasserver/bootresources.py, get_or_create_boot_resource): a non-generic
 * flavour of an hwe-/ga- kernel is its own resource, `ga-24.04-lowlatency`; on an edge kernel the flavour goes
 * before `edge` (`hwe-20.04-lowlatency-edge`, the name MAAS's kernel tables use); a subarch that already names
 * the flavour is kept.
 */
export function maasSubarch(subarch: string, kflavor: string): string {
  const flavoured =
    kflavor !== '' && kflavor !== 'generic' && (subarch.includes('hwe-') || subarch.includes('ga-'))
  if (!flavoured || subarch.includes(kflavor)) return subarch
  if (!subarch.endsWith('-edge')) return `${subarch}-${kflavor}`
  const parts = subarch.split('-')
  parts.splice(-1, 0, kflavor)
  return parts.join('-')
}

/** MAAS's title (maasserver/bootsources.py, get_product_title): os and release titles, and the gadget's if any. */
export function maasTitle(osTitle: string, releaseTitle: string, gadgetTitle: string): string {
  if (!osTitle || !releaseTitle) return ''
  return gadgetTitle ? `${osTitle} ${releaseTitle} ${gadgetTitle}` : `${osTitle} ${releaseTitle}`
}

export function resourceKey(id: { name: string; architecture: string }): string {
  return `${id.name}|${id.architecture}`
}
