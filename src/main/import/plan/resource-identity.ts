/**
 * MAAS boot-resource identity for a stream product: name `{os}/{release}` and architecture
 * `{arch}/{subarch}`; bootloaders are `{os}/{bootloader-type}` on `{arch}/generic`.
 */
import type { ResourceIdentity } from '../../library/resource-store'
import { fieldOf, type StreamProductShape, type StreamVersionShape } from './stream-shape'

export type { ResourceIdentity } from '../../library/resource-store'

export function isBootloader(product: StreamProductShape): boolean {
  return fieldOf(product, undefined, 'bootloader-type') !== '' || /bootloader/.test(product.content_id)
}

export function resourceIdentity(
  product: StreamProductShape,
  version?: StreamVersionShape
): ResourceIdentity {
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
