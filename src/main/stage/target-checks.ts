/**
 * Refusals before staging writes anything: a target inside the data directory (the cache itself), a
 * target that is a non-empty directory but not a mirror (we would mix images into someone's files),
 * files over the file system's cap (FAT32: 4 GiB), names that would land on one file, and too little
 * free space.
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { AppError } from '@shared/errors'
import { formatBytes } from '@shared/format-bytes'
import { MAPPED_NAMES_FILE, encodePath } from '../staged-tree/name-map'
import { STAGE_MANIFEST_FILE } from '../staged-tree/stage-manifest'
import { STAGING_LOCK_FILE } from './target-lock'
import type { TargetFs } from './target-fs'
import type { SpaceFigures } from '@shared/types'

/** What a fresh stick or disk holds before anyone put files on it. */
const SYSTEM_ENTRIES = new Set([
  'lost+found',
  'System Volume Information',
  '$RECYCLE.BIN',
  '.fseventsd',
  '.Spotlight-V100',
  '.Trashes',
  STAGING_LOCK_FILE
])

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

export async function refuseCacheTarget(target: string, dataDir: string): Promise<void> {
  const t = await realpath(target)
  const d = await realpath(dataDir).catch(() => dataDir)
  if (inside(t, d))
    throw new AppError(
      'invalid_argument',
      `refusing to stage into ${target}: it is inside the data directory ${dataDir} (the cache itself)`
    )
  if (inside(d, t))
    throw new AppError(
      'invalid_argument',
      `refusing to stage into ${target}: it contains the data directory ${dataDir}`
    )
}

/** A directory already holding a mirror (ours, or any SimpleStreams tree) may be staged onto again. */
export async function refuseForeignContent(target: string): Promise<void> {
  const st = await stat(target).catch(() => null)
  if (!st) return
  if (!st.isDirectory()) throw new AppError('invalid_argument', `${target} is not a directory`)
  const names: string[] = []
  for (const n of await readdir(target)) {
    if (SYSTEM_ENTRIES.has(n) || n.startsWith('.Trash-')) continue
    // Empty files hold nothing to protect; fusefat even lists a stick's volume label as one ("MAASIMAG.ES").
    const st = await stat(join(target, n)).catch(() => null)
    if (st?.isFile() && st.size === 0) continue
    names.push(n)
  }
  if (names.length === 0 || names.includes(STAGE_MANIFEST_FILE)) return
  const hasStreams =
    names.includes('streams') &&
    (await readdir(`${target}/streams`).catch(() => [] as string[])).includes('v1')
  if (hasStreams) return
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '')
  throw new AppError(
    'invalid_argument',
    `refusing to stage into ${target}: it is not empty and not a mirror (holds ${shown}); choose an empty directory`
  )
}

export function refuseOversized(files: ReadonlyArray<{ path: string; size: number }>, fs: TargetFs): void {
  if (fs.maxFileBytes === undefined) return
  const big = files.filter((f) => f.size > fs.maxFileBytes!)
  if (!big.length) return
  const list = big.map((f) => `${f.path} (${f.size} bytes)`).join(', ')
  // File-system limits are powers of two and admins know them as such ("FAT32's 4 GiB limit").
  const limit = fs.maxFileBytes + 1
  const shown = limit % 1024 ** 3 === 0 ? `${limit / 1024 ** 3} GiB` : formatBytes(limit)
  throw new AppError(
    'invalid_argument',
    `${fs.label} cannot hold files of ${shown} or more: ${list}. ` +
      'Nothing was written. Format the drive as exFAT or ext4, or leave these images out.'
  )
}

export function refuseShortSpace(target: string, space: SpaceFigures): void {
  if (space.short_by === 0 || space.free === null) return
  const freed = space.freed
    ? ` + ${formatBytes(space.freed)} freed by removing the previous staging's files`
    : ''
  throw new AppError(
    'no_space',
    `not enough free space on ${target}: need ${formatBytes(space.needed)}, have ${formatBytes(space.free)}${freed} ` +
      `(${space.needed} and ${space.free + space.freed} bytes); ${formatBytes(space.short_by)} more are needed. ` +
      'Nothing was written.'
  )
}

/** The files staging writes at the root of every tree, beside the mirror. */
export const STAGE_OWN_FILES = ['README.txt', STAGE_MANIFEST_FILE, MAPPED_NAMES_FILE, STAGING_LOCK_FILE]

/**
 * Two stream paths that would be one file on the target: equal but for case on a file system that
 * ignores case (FAT32, exFAT, NTFS, and the macOS and Windows defaults), or a path that is one of the
 * files staging writes itself. Upstream MAAS names are lower-case and never at the root, so only a
 * custom stream meets this; it is refused by name before anything is written, since one of the two
 * files would silently replace the other.
 */
export function refuseNameClashes(paths: readonly string[], fs: TargetFs, caseInsensitive: boolean): void {
  const key = (p: string): string => {
    const onDisk = fs.mapNames ? encodePath(p) : p
    return caseInsensitive ? onDisk.toLowerCase() : onDisk
  }
  const seen = new Map<string, string>(STAGE_OWN_FILES.map((f) => [key(f), `${f} (written by staging)`]))
  for (const p of paths) {
    const other = seen.get(key(p))
    if (other !== undefined && other !== p)
      throw new AppError(
        'invalid_argument',
        `${p} and ${other} would be the same file on ${fs.label}` +
          `${caseInsensitive ? ', which ignores case in names' : ''}. Nothing was written. ` +
          'Stage this stream onto a file system that tells them apart (ext4), or leave one image out.'
      )
    seen.set(key(p), p)
  }
}

/** Whether names on this target are compared without case (a guess from the file system, erring safe). */
export function ignoresCase(fs: TargetFs, platform: NodeJS.Platform = process.platform): boolean {
  return fs.mapNames || platform === 'darwin' || platform === 'win32'
}
