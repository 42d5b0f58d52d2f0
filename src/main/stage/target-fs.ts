/**
 * What kind of file system a staging target is on, for the two things that matter: whether names
 * need mapping (FAT32, exFAT, NTFS forbid ':') and whether files are capped at 4 GiB (FAT32). The
 * mount table names the type on Linux; a probe write of a name with ':' catches the rest (FUSE
 * mounts report "fuseblk", macOS, unknown types). Windows never allows ':' in a name.
 */
import { execFile } from 'node:child_process'
import { readFile, rm, stat, statfs, writeFile } from 'node:fs/promises'
import { realpath } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { bounded, stalled, type LocalFileOptions } from '../net/local-file'
import { onRemovableDrive } from './removable-drive'

export const FAT32_MAX_FILE = 4 * 1024 ** 3 - 1

export interface TargetFs {
  /** the mount table's type (vfat, fuse.fusefat, fuseblk, ext4, …) or 'unknown' */
  type: string
  /** a human name: FAT32, exFAT, NTFS, … */
  label: string
  mapNames: boolean
  /** largest file the file system can hold, when it has a cap */
  maxFileBytes?: number
  /** free bytes for us, null when the file system does not say (FUSE mounts often report 0 of 0) */
  freeBytes: number | null
  /** on a drive the system calls removable (removable-drive.ts); absent or false where it cannot tell */
  removable?: boolean
}

const FAT32 = new Set(['vfat', 'msdos', 'fat', 'fuse.fusefat', 'fusefat', 'umsdos'])
const EXFAT = new Set(['exfat', 'fuse.exfat', 'fuse.exfat-fuse'])
const NTFS = new Set(['ntfs', 'ntfs3', 'fuse.ntfs-3g', 'ntfs-3g', 'fuse.ntfs'])

/** The mount table entry whose mount point is the longest prefix of `path`. */
async function mountType(path: string): Promise<string> {
  const table = await readFile('/proc/self/mounts', 'utf8').catch(() => '')
  let best = ''
  let type = 'unknown'
  for (const line of table.split('\n')) {
    const [, rawPoint, fstype] = line.split(' ')
    if (!rawPoint || !fstype) continue
    // The mount table escapes spaces and friends as octal.
    const point = rawPoint.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)))
    const inside = path === point || path.startsWith(point.endsWith(sep) ? point : point + sep)
    if (inside && point.length >= best.length) {
      best = point
      type = fstype
    }
  }
  return type
}

/**
 * macOS: `mount` prints "/dev/disk4s1 on /Volumes/STICK (msdos, local, nodev, …)". There a probe
 * proves nothing: macOS quietly stores ':' on FAT as another character that other systems cannot read.
 */
export function darwinMountType(mountOutput: string, path: string): string {
  let best = ''
  let type = 'unknown'
  for (const line of mountOutput.split('\n')) {
    const m = / on (.+) \(([^,)]+)/.exec(line)
    if (!m) continue
    const point = m[1]
    const inside = path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`)
    if (inside && point.length >= best.length) {
      best = point
      type = m[2]
    }
  }
  return type
}

function darwinMounts(): Promise<string> {
  return new Promise((resolve) => execFile('/sbin/mount', (err, out) => resolve(err ? '' : out)))
}

/** Whether a name with ':' can be created in `dir` (removed again at once). */
async function colonAllowed(dir: string): Promise<boolean> {
  const probe = join(dir, `.maas-images-probe:${process.pid}`)
  try {
    // Exclusive: never written through a link or into a FIFO planted at the name.
    await writeFile(probe, '', { flag: 'wx' })
    await rm(probe, { force: true })
    return true
  } catch (err) {
    // Something (not ours: left alone) already has a name with ':' here, so ':' is allowed.
    return (err as NodeJS.ErrnoException).code === 'EEXIST'
  }
}

/**
 * Free bytes for us on `dir`'s file system; null where it does not say. A statfs is always a question to the
 * medium itself (FUSE caches no answer to it), so on a stick that stopped answering it fails with MediumStalled
 * after `limit`'s time limit, and a stop ends it: neither is "not reported".
 */
export async function freeBytesOf(dir: string, limit: LocalFileOptions = {}): Promise<number | null> {
  try {
    const st = await bounded(statfs(dir), dir, limit, 'looking at')
    // 0 blocks in total is "not reported" (fusefat, some network file systems), not "full".
    if (Number(st.blocks) === 0) return null
    return Number(st.bavail) * Number(st.bsize)
  } catch (err) {
    if (stalled(err) || limit.signal?.aborted) throw err
    return null
  }
}

/**
 * The target itself, or its nearest existing parent (a folder staging will create), each look bounded by
 * `limit`: a stick that stopped answering fails here, naming the path, before anything is asked of it unbounded.
 */
export async function nearestFolder(path: string, limit: LocalFileOptions = {}): Promise<string> {
  let p = resolve(path)
  for (;;) {
    const st = await bounded(stat(p), p, limit, 'looking at').catch((err: unknown) => {
      if (stalled(err) || limit.signal?.aborted) throw err
      return null
    })
    if (st?.isDirectory()) return p
    const up = dirname(p)
    if (up === p) return p
    p = up
  }
}

/**
 * Throws MediumStalled, naming the path, when the target's medium does not answer within `limit` (a stick
 * that hangs): staging checks this before its first unbounded look at the target (mkdir, the folder's listing,
 * the lock), which would otherwise wait for ever.
 */
export async function targetAnswers(target: string, limit: LocalFileOptions = {}): Promise<void> {
  await freeBytesOf(await nearestFolder(target, limit), limit)
}

export async function detectTargetFs(dir: string, limit: LocalFileOptions = {}): Promise<TargetFs> {
  // First, and bounded: a stick that stopped answering fails here rather than in a lookup that waits for ever.
  const freeBytes = await freeBytesOf(dir, limit)
  const real = await realpath(dir)
  const type =
    process.platform === 'linux'
      ? await mountType(real)
      : process.platform === 'darwin'
        ? darwinMountType(await darwinMounts(), real)
        : 'unknown'
  const removable = await onRemovableDrive(real)
  if (FAT32.has(type))
    return { type, label: 'FAT32', mapNames: true, maxFileBytes: FAT32_MAX_FILE, freeBytes, removable }
  if (EXFAT.has(type)) return { type, label: 'exFAT', mapNames: true, freeBytes, removable }
  if (NTFS.has(type)) return { type, label: 'NTFS', mapNames: true, freeBytes, removable }
  if (process.platform === 'win32')
    return { type, label: 'Windows file system', mapNames: true, freeBytes, removable }
  if (!(await colonAllowed(real))) {
    const label = type === 'fuseblk' ? 'exFAT or NTFS (FUSE)' : `${type} (no ':' in names)`
    return { type, label, mapNames: true, freeBytes, removable }
  }
  return { type, label: type, mapNames: false, freeBytes, removable }
}
