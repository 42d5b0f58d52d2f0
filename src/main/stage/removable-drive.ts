/**
 * Whether a folder lives on a removable drive (a USB stick, an SD card, a USB disk): Linux says so in sysfs,
 * under the block device that holds the folder's file system. Elsewhere, and for file systems with no block
 * device of their own (FUSE, tmpfs, network), it cannot tell: false, and the file system's type decides.
 */
import { readFile, realpath, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** Linux's dev_t: 12 bits of major and 20 of minor, split across the number (see <sys/sysmacros.h>). */
export function majorMinor(dev: bigint): [number, number] {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn)
  return [Number(major), Number(minor)]
}

/**
 * From the device's sysfs folder (its real path) and the disk's `removable` flag: removable when the flag is
 * 1 or the device hangs off a USB bus (many USB sticks and disks report 0).
 */
export function isRemovable(sysPath: string, removableFlag: string | null): boolean {
  return removableFlag?.trim() === '1' || /\/usb\d*\//.test(sysPath)
}

export async function onRemovableDrive(dir: string): Promise<boolean> {
  if (process.platform !== 'linux') return false
  try {
    const [major, minor] = majorMinor((await stat(dir, { bigint: true })).dev)
    const sys = await realpath(`/sys/dev/block/${major}:${minor}`)
    // A partition has no `removable` of its own: its disk, the folder above, has it.
    const flag =
      (await readFile(join(sys, 'removable'), 'utf8').catch(() => null)) ??
      (await readFile(join(dirname(sys), 'removable'), 'utf8').catch(() => null))
    return isRemovable(sys, flag)
  } catch {
    return false
  }
}
