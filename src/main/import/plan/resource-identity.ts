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
  let subarch = streamSubarch
  // A non-generic kernel flavour (lowlatency) is its own resource in MAAS: `amd64/ga-24.04-lowlatency`.
  const kflavor = f('kflavor')
  if (kflavor && kflavor !== 'generic' && !subarch.endsWith(`-${kflavor}`)) subarch = `${subarch}-${kflavor}`
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
    title: f('release_title') || release,
    subarches: f('subarches') || subarch
  }
}

export function resourceKey(id: { name: string; architecture: string }): string {
  return `${id.name}|${id.architecture}`
}
