/** Hand-made stream products and sources for plan/resource unit tests (no network, no signing). */
import { createHash } from 'node:crypto'
import type { BootSource, BootSourceSelection } from '@shared/types'
import type { StreamProduct, VerifiedStream } from '../../src/main/streams/stream-types'

export const sha = (s: string): string => createHash('sha256').update(s).digest('hex')

export function source(id: number, url = `http://127.0.0.1:1/s${id}/`): BootSource {
  return { id, url, keyring_filename: '/k.gpg', keyring_data: '', created: '', updated: '' }
}

export function selection(
  boot_source_id: number,
  os: string,
  release: string,
  arches: string[] = ['*'],
  subarches: string[] = ['*'],
  labels: string[] = ['*']
): BootSourceSelection {
  return { id: 1, boot_source_id, os, release, arches, subarches, labels }
}

/** An Ubuntu kernel product; the squashfs depends only on release+arch+serial so kernels share it. */
export function ubuntu(
  release: string,
  arch: string,
  subarch: string,
  serials: string[],
  kflavor = 'generic'
): StreamProduct {
  const versions: StreamProduct['versions'] = {}
  for (const v of serials) {
    const base = `${release}/${arch}/${v}`
    versions[v] = {
      version: v,
      fields: {},
      items: {
        'boot-kernel': item('boot-kernel', 'boot-kernel', `${base}/${subarch}/${kflavor}/boot-kernel`),
        'boot-initrd': item('boot-initrd', 'boot-initrd', `${base}/${subarch}/${kflavor}/boot-initrd`),
        squashfs: item('squashfs', 'squashfs', `${base}/squashfs`),
        manifest: item('manifest', 'manifest', `${base}/squashfs.manifest`)
      }
    }
  }
  return {
    product_name: `com.ubuntu.maas.stable:v3:boot:${release}:${arch}:${subarch}${kflavor === 'generic' ? '' : `-${kflavor}`}`,
    content_id: 'com.ubuntu.maas:stable:v3:download',
    fields: {
      os: 'ubuntu',
      release,
      release_title: `${release} LTS`,
      arch,
      subarch,
      kflavor,
      subarches: `generic,${subarch}`,
      label: 'stable'
    },
    versions
  }
}

export function bootloader(os: string, type: string, arch: string, serial: string): StreamProduct {
  return {
    product_name: `com.ubuntu.maas.stable:1:${os}:${type}:${arch}`,
    content_id: 'com.ubuntu.maas:stable:1:bootloader-download',
    fields: { os, 'bootloader-type': type, arch, label: 'stable' },
    versions: {
      [serial]: {
        version: serial,
        fields: {},
        items: {
          grub2: item('grub2', 'archive.tar.xz', `bootloaders/${type}/${arch}/${serial}/grub2.tar.xz`)
        }
      }
    }
  }
}

export function item(name: string, ftype: string, path: string) {
  return { name, ftype, path, size: path.length * 10, sha256: sha(path) }
}

export function stream(root: string, products: StreamProduct[]): Pick<VerifiedStream, 'rootUrl' | 'products'> {
  return { rootUrl: root, products }
}
