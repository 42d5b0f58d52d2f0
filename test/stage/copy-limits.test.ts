/**
 * How many files staging writes at once, by target (src/main/stage/copy-limits.ts): one on the file systems of
 * sticks, which allocate as files grow (FAT32, exFAT, NTFS, anything needing mapped names), and on any
 * removable drive; two on a folder of a fixed disk. And how a removable drive is recognised from sysfs.
 * What one writer leaves on a real FAT32/exFAT image is stick-layout.system.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { copyLimitsFor } from '../../src/main/stage/copy-limits'
import { isRemovable, majorMinor } from '../../src/main/stage/removable-drive'

describe('copyLimitsFor', () => {
  it('writes one file at a time on FAT32, exFAT and NTFS, reading back the previous one meanwhile', () => {
    for (const label of ['FAT32', 'exFAT', 'NTFS', 'exFAT or NTFS (FUSE)'])
      expect({ label, ...copyLimitsFor({ mapNames: true, removable: false }) }).toEqual({
        label,
        workers: 2,
        writers: 1
      })
  })

  it('writes one file at a time on a removable drive whatever its file system (ext4 on a USB stick)', () => {
    expect(copyLimitsFor({ mapNames: false, removable: true })).toEqual({ workers: 2, writers: 1 })
  })

  it('writes two files at a time to a folder on a fixed disk', () => {
    expect(copyLimitsFor({ mapNames: false, removable: false })).toEqual({ workers: 3, writers: 2 })
    expect(copyLimitsFor({ mapNames: false })).toEqual({ workers: 3, writers: 2 })
  })
})

describe('removable drives', () => {
  it('splits a Linux dev_t into major and minor, small and large numbers', () => {
    expect(majorMinor(0xfe00n)).toEqual([254, 0])
    expect(majorMinor(0x811n)).toEqual([8, 17])
    // major 259 (NVMe partitions), minor 300: both beyond the old 8-bit split
    expect(majorMinor(((259n & 0xfffn) << 8n) | (300n & 0xffn) | ((300n & ~0xffn) << 12n))).toEqual([
      259, 300
    ])
  })

  it('takes the removable flag, or a USB bus in the device path, and nothing else', () => {
    const usb =
      '/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb/sdb1'
    const sd = '/sys/devices/platform/soc/fe340000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0/mmcblk0p1'
    const virtio = '/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda'
    expect(isRemovable(usb, '0\n')).toBe(true)
    expect(isRemovable(sd, '1\n')).toBe(true)
    expect(isRemovable(virtio, '0\n')).toBe(false)
    expect(isRemovable(virtio, null)).toBe(false)
    expect(isRemovable('/sys/devices/virtual/block/usbmon-like0', '0')).toBe(false)
  })
})
