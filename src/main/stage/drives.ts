/**
 * Drives to stage onto: removable block devices (USB sticks, SD cards, external disks) with their mount
 * points, labels, file system, size and free space, from systeminformation (Linux, Windows, macOS).
 */
// Loaded when drives are listed: systeminformation is ~1 MB of JavaScript that nothing else needs, and
// the CLI's other commands (an import above all) should not parse it.
import type si from 'systeminformation'
import type { Drive } from '@shared/types'

export type { Drive } from '@shared/types'

type Block = Awaited<ReturnType<typeof si.blockDevices>>[number]
type Fs = Awaited<ReturnType<typeof si.fsSize>>[number]

/** Mount points of the operating system: the disk holding one of them is the system disk. */
const SYSTEM_MOUNTS = new Set(['/', '/boot', '/boot/efi', '/usr', '/var', '/home', 'C:', 'C:\\'])

/**
 * Joins block devices with the mounted file systems; pure, so it is tested with recorded shapes. `all` adds
 * fixed drives too, each system one marked: Etcher hides them and Raspberry Pi Imager excludes them unless told.
 */
export function toDrives(blocks: readonly Block[], fss: readonly Fs[], all = false): Drive[] {
  const byMount = new Map(fss.map((f) => [f.mount, f]))
  const disks = new Map(blocks.filter((b) => b.type === 'disk').map((b) => [b.name, b]))
  const removableDisks = new Set([...disks.values()].filter((b) => b.removable).map((b) => b.name))
  const diskOf = (b: Block): string => (b.group && disks.has(b.group) ? b.group : b.name)
  const systemDisks = new Set(blocks.filter((b) => SYSTEM_MOUNTS.has(b.mount)).map(diskOf))
  const out: Drive[] = []
  for (const b of blocks) {
    if (!b.mount) continue
    // A partition's "removable" comes from its disk on Linux (lsblk reports it per device).
    const removable =
      b.removable || (!!b.group && removableDisks.has(b.group)) || /^usb$/i.test(b.protocol ?? '')
    if (!all && !removable) continue
    const f = byMount.get(b.mount)
    out.push({
      device: b.device || `/dev/${b.name}`,
      label: b.label ?? '',
      fs_type: b.fsType || f?.type || '',
      mount: b.mount,
      size: f?.size || b.size,
      free: f ? f.available : null,
      removable,
      // lsblk names the model on the disk, not on its partitions.
      model: (b.model || disks.get(diskOf(b))?.model || '').trim(),
      system: systemDisks.has(diskOf(b))
    })
  }
  return out.sort((a, b) => a.mount.localeCompare(b.mount))
}

export async function listDrives(all = false): Promise<Drive[]> {
  const { default: si } = await import('systeminformation')
  const [blocks, fss] = await Promise.all([si.blockDevices(), si.fsSize()])
  return toDrives(blocks, fss, all)
}
