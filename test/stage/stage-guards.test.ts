import { spawn } from 'node:child_process'
import { lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlobCache } from '../../src/main/library'
import { toDrives } from '../../src/main/stage/drives'
import { FAT32_MAX_FILE, type TargetFs } from '../../src/main/stage/target-fs'
import {
  ignoresCase,
  refuseNameClashes,
  refuseOversized,
  refuseShortSpace
} from '../../src/main/stage/target-checks'
import { SLACK_BYTES, spaceFigures } from '../../src/main/stage/staging-space'
import { STAGING_LOCK_FILE, lockTarget } from '../../src/main/stage/target-lock'
import { tempDir } from '../import/helpers'
import { sha } from '../import/fixtures'

let tmp: string
beforeAll(async () => {
  tmp = await tempDir('stage-guards-')
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

async function putBlob(cache: BlobCache, text: string): Promise<string> {
  const s = sha(text)
  await mkdir(join(cache.blobsDir, s.slice(0, 2)), { recursive: true })
  await writeFile(cache.blobPath(s), text)
  return s
}

describe('blob pins', () => {
  it('a delete or a sync clean-up leaves pinned blobs alone until the pin is released', async () => {
    const cache = new BlobCache(join(tmp, 'pins'))
    await cache.init()
    const pinned = await putBlob(cache, 'staged right now')
    const loose = await putBlob(cache, 'nobody wants this')
    const pin = await cache.pin([pinned])
    expect(await cache.gc(new Set())).toEqual([loose])
    expect(await cache.remove(pinned)).toBe(false)
    expect(await cache.has(pinned)).toBe(true)
    await pin.release()
    expect(await cache.gc(new Set())).toEqual([pinned])
  })

  it('ignores (and removes) the pins of a process that is gone', async () => {
    const cache = new BlobCache(join(tmp, 'stale-pins'))
    await cache.init()
    const s = await putBlob(cache, 'left pinned by a crash')
    const child = spawn(process.execPath, ['-e', ''])
    const deadPid = child.pid!
    await new Promise((r) => child.on('exit', r))
    await mkdir(cache.pinsDir, { recursive: true })
    await writeFile(join(cache.pinsDir, `${deadPid}-1-1.json`), JSON.stringify({ pid: deadPid, sha256: [s] }))
    expect(await cache.gc(new Set())).toEqual([s])
    expect(await readdir(cache.pinsDir)).toEqual([])
  })
})

describe('staging target lock', () => {
  it('a second staging onto one target is refused while the first runs; a dead owner’s lock is taken over', async () => {
    const target = join(tmp, 'locked')
    await mkdir(target, { recursive: true })
    const first = await lockTarget(target)
    await expect(lockTarget(target)).rejects.toThrow(/already being staged by this process/)
    await first.release()
    // Another live process (pid 1 always exists) holds it.
    await writeFile(join(target, STAGING_LOCK_FILE), '1')
    await expect(lockTarget(target)).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/being staged by process 1;/)
    })
    // A crashed staging's lock.
    await writeFile(join(target, STAGING_LOCK_FILE), '999999999')
    const again = await lockTarget(target)
    expect(await readFile(join(target, STAGING_LOCK_FILE), 'utf8')).toBe(String(process.pid))
    await again.release()
    expect(await readdir(target)).toEqual([])
  })

  it('a link planted at the lock name is removed, never followed: not read, not written through', async () => {
    const target = join(tmp, 'lock-link')
    const outside = join(tmp, 'lock-link-outside')
    await mkdir(target, { recursive: true })
    // Were the link followed, this file would read as a lock held by pid 1 (alive), or be overwritten.
    await writeFile(outside, '1')
    await symlink(outside, join(target, STAGING_LOCK_FILE))
    const lock = await lockTarget(target)
    expect((await lstat(join(target, STAGING_LOCK_FILE))).isFile()).toBe(true)
    expect(await readFile(join(target, STAGING_LOCK_FILE), 'utf8')).toBe(String(process.pid))
    await lock.release()
    expect(await readFile(outside, 'utf8')).toBe('1')
    expect(await readdir(target)).toEqual([])
  })
})

describe('refusals before any byte is written', () => {
  const fat: TargetFs = {
    type: 'vfat',
    label: 'FAT32',
    mapNames: true,
    maxFileBytes: FAT32_MAX_FILE,
    freeBytes: 64e9
  }
  it('a file over 4 GiB on FAT32 is named with its size', () => {
    const files = [
      { path: 'noble/amd64/20250805/squashfs', size: 300e6 },
      { path: 'noble/amd64/20250805/root-tgz', size: 4 * 1024 ** 3 }
    ]
    expect(() => refuseOversized(files, fat)).toThrow(
      /^FAT32 cannot hold files of 4 GiB or more: noble\/amd64\/20250805\/root-tgz \(4294967296 bytes\)\. Nothing was written\./
    )
    expect(() => refuseOversized([{ path: 'x', size: FAT32_MAX_FILE }], fat)).not.toThrow()
    expect(() => refuseOversized(files, { ...fat, label: 'exFAT', maxFileBytes: undefined })).not.toThrow()
  })

  it('two names that would be one file are refused by name: case on FAT, or a file staging writes itself', () => {
    const upstream = [
      'streams/v1/index.sjson',
      'streams/v1/com.ubuntu.maas:stable:v3:download.sjson',
      'noble/amd64/20250805/squashfs'
    ]
    expect(() => refuseNameClashes(upstream, fat, true)).not.toThrow()
    expect(() => refuseNameClashes([...upstream, 'noble/amd64/20250805/SquashFS'], fat, true)).toThrow(
      /^noble\/amd64\/20250805\/SquashFS and noble\/amd64\/20250805\/squashfs would be the same file on FAT32, which ignores case in names\. Nothing was written\./
    )
    // Case-sensitive ext4 holds both.
    const ext4: TargetFs = { type: 'ext4', label: 'ext4', mapNames: false, freeBytes: 64e9 }
    expect(() => refuseNameClashes([...upstream, 'noble/amd64/20250805/SquashFS'], ext4, false)).not.toThrow()
    // Mapped forms clash too: ':' is written as %3A, whose case FAT ignores as well.
    expect(() => refuseNameClashes(['a:b', 'A:B'], fat, true)).toThrow(/A:B and a:b would be the same file/)
    // A stream item at the root named like staging's own files would be overwritten by them.
    for (const own of ['README.txt', 'maas-images-stage.json', 'MAPPED-NAMES.txt'])
      expect(() => refuseNameClashes([own], ext4, false)).toThrow(
        new RegExp(
          `^${own.replace('.', '\\.')} and ${own.replace('.', '\\.')} \\(written by staging\\) would be the same file`
        )
      )
    expect(() => refuseNameClashes(['readme.TXT'], fat, true)).toThrow(/README\.txt \(written by staging\)/)
    expect(() => refuseNameClashes(['readme.TXT'], ext4, false)).not.toThrow()
    // Names are compared without case on FAT/exFAT/NTFS and on macOS and Windows defaults.
    expect(ignoresCase(fat, 'linux')).toBe(true)
    expect(ignoresCase(ext4, 'linux')).toBe(false)
    expect(ignoresCase({ ...ext4, label: 'apfs', type: 'apfs' }, 'darwin')).toBe(true)
  })

  it('too little space names both numbers and the shortfall; an unreported free space is not "full"', () => {
    const need = 2e9 - SLACK_BYTES
    expect(() => refuseShortSpace('/media/usb', spaceFigures(need, 0, 1e9))).toThrow(
      /need 2\.0 GB, have 1\.0 GB \(2000000000 and 1000000000 bytes\); 1\.0 GB more are needed/
    )
    expect(() => refuseShortSpace('/media/usb', spaceFigures(need, 0, null))).not.toThrow()
  })

  it('the space check counts what removing the previous staging frees, in the one figure', () => {
    const need = 2e9 - SLACK_BYTES
    // 1.5 GB free + 0.6 GB of stale files: it fits, and the plan says so with the same numbers.
    expect(spaceFigures(need, 0.6e9, 1.5e9)).toEqual({ needed: 2e9, freed: 0.6e9, free: 1.5e9, short_by: 0 })
    expect(() => refuseShortSpace('/media/usb', spaceFigures(need, 0.6e9, 1.5e9))).not.toThrow()
    expect(spaceFigures(need, 0.4e9, 1.5e9).short_by).toBe(0.1e9)
    expect(() => refuseShortSpace('/media/usb', spaceFigures(need, 0.4e9, 1.5e9))).toThrow(
      /\+ 400 MB freed by removing the previous staging's files .*100 MB more are needed/
    )
  })
})

describe('drives', () => {
  it('lists mounted removable drives with label, file system, size and free space', () => {
    const blocks = [
      {
        name: 'sda',
        type: 'disk',
        fsType: '',
        mount: '',
        size: 32e9,
        removable: true,
        label: '',
        model: 'Flash',
        device: '/dev/sda',
        group: '',
        protocol: 'usb'
      },
      {
        name: 'sda1',
        type: 'part',
        fsType: 'vfat',
        mount: '/media/u/STICK',
        size: 32e9,
        removable: false,
        label: 'STICK',
        model: '',
        device: '/dev/sda1',
        group: 'sda',
        protocol: ''
      },
      {
        name: 'vda',
        type: 'disk',
        fsType: 'ext4',
        mount: '/',
        size: 256e9,
        removable: false,
        label: '',
        model: '',
        device: '/dev/vda',
        group: '',
        protocol: ''
      }
    ] as unknown as Parameters<typeof toDrives>[0]
    const fss = [
      {
        fs: '/dev/sda1',
        type: 'vfat',
        size: 31e9,
        used: 1e9,
        available: 30e9,
        use: 3,
        mount: '/media/u/STICK',
        rw: true
      },
      { fs: '/dev/vda', type: 'ext4', size: 250e9, used: 1e9, available: 249e9, use: 1, mount: '/', rw: true }
    ] as unknown as Parameters<typeof toDrives>[1]
    expect(toDrives(blocks, fss)).toEqual([
      {
        device: '/dev/sda1',
        label: 'STICK',
        fs_type: 'vfat',
        mount: '/media/u/STICK',
        size: 31e9,
        free: 30e9,
        removable: true,
        // The partition's model is its disk's.
        model: 'Flash',
        system: false
      }
    ])
    // With system drives shown, the disk holding / is there and marked as the system disk.
    expect(toDrives(blocks, fss, true).map((d) => [d.mount, d.system])).toEqual([
      ['/', true],
      ['/media/u/STICK', false]
    ])
  })
})

describe('file system detection on macOS', () => {
  it('reads the type of the mount holding the target from `mount`', async () => {
    const { darwinMountType } = await import('../../src/main/stage/target-fs')
    const out = [
      '/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)',
      '/dev/disk4s1 on /Volumes/MY STICK (msdos, local, nodev, nosuid, noowners, noatime)',
      '/dev/disk5s1 on /Volumes/BIG (exfat, local, nodev, nosuid, noowners)'
    ].join('\n')
    expect(darwinMountType(out, '/Volumes/MY STICK/maas')).toBe('msdos')
    expect(darwinMountType(out, '/Volumes/BIG')).toBe('exfat')
    expect(darwinMountType(out, '/Users/admin')).toBe('apfs')
    expect(darwinMountType('', '/x')).toBe('unknown')
  })
})
