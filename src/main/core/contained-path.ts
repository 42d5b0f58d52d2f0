/**
 * The write side of "one rule for everything from outside" (the read side is net/local-file.ts): creating and
 * opening paths under a target root (a stick someone handed us, a shared /srv/www tree, staged with sudo) without
 * ever following a link or opening a special file. Whoever made the target may have planted, at any name we are
 * about to write, a link to a file elsewhere (we would overwrite it), a folder link (every file would land there),
 * or a FIFO (an open for writing waits for a reader for ever).
 *
 * The rules, for every path under the root:
 * - each folder component is checked with lstat, from the root's real path down: a link (even one pointing
 *   inside), a FIFO, device, socket or plain file where a folder should be is refused, naming it; missing
 *   folders are made one at a time (never a recursive mkdir, which follows links);
 * - a file is made by removing its name (unlink removes a link itself, never what it points at) and opening it
 *   O_CREAT|O_EXCL|O_NOFOLLOW: an exclusive create never opens an existing entry, so it neither writes through a
 *   link nor waits on a FIFO that appeared in between (it fails with EEXIST instead);
 * - a special file (FIFO, device, socket) or a folder where a file should be is refused, naming it; it is never
 *   opened, so the refusal takes no longer than an lstat;
 * - existing files are opened O_NOFOLLOW|O_NONBLOCK and kept only when the handle is the regular file lstat saw.
 *
 * Windows has no O_NOFOLLOW (the constant is absent and counts as 0). There O_CREAT|O_EXCL is CREATE_NEW, which
 * fails on any existing name, a symbolic link or junction included, so a created file is never reached through a
 * link; lstat reports links and junctions as links for the folder checks; and FAT32/exFAT sticks hold no links.
 *
 * What this does not close: a local user who can write into the target and swaps a checked folder for a link
 * between our lstat and our open. On Linux the opened file's real path is read back from /proc/self/fd and a
 * file that landed outside the root is removed and refused; the exclusive create means no existing file was
 * touched even then.
 */
import { constants as fsConstants, type Stats } from 'node:fs'
import { lstat, mkdir, open, readlink, realpath, unlink, type FileHandle } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'
import { AppError } from '@shared/errors'
import { bounded, boundedCall, closeLocalFile } from '../net/local-file'

const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0
const O_NONBLOCK = fsConstants.O_NONBLOCK ?? 0
/** A new file, exclusively: never an existing entry, never through a link. */
export const CREATE_FLAGS = fsConstants.O_CREAT | fsConstants.O_EXCL | O_NOFOLLOW
/** An existing file for reading: not through a link, and a FIFO's open returns at once (fstat refuses it). */
export const READ_FLAGS = fsConstants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK

/** A target root, resolved once: every path under it is checked from its real path down. */
export interface ContainedRoot {
  /** the real path of the root (links in the path the user gave are theirs to choose; nothing below is followed) */
  real: string
  signal?: AbortSignal
  /** longest wait for one call on the target (a medium that stopped answering); default 30 s (net/limits.ts) */
  timeoutMs?: number
}

export async function containedRoot(
  dir: string,
  signal?: AbortSignal,
  timeoutMs?: number
): Promise<ContainedRoot> {
  return { real: await realpath(dir), signal, timeoutMs }
}

/** How an admin would call what lstat found. */
export function describeKind(st: Stats): string {
  if (st.isSymbolicLink()) return 'a link'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device file'
  if (st.isSocket()) return 'a socket'
  if (st.isDirectory()) return 'a folder'
  if (st.isFile()) return 'a file'
  return 'a special file'
}

const isSpecial = (st: Stats): boolean => !st.isFile() && !st.isDirectory() && !st.isSymbolicLink()

function refused(path: string, st: Stats, expected: 'folder' | 'file'): AppError {
  const why = st.isSymbolicLink()
    ? `staging never writes through links (it could lead anywhere on this machine)`
    : `staging writes only ${expected === 'folder' ? 'folders' : 'regular files'} here`
  return new AppError(
    'unsafe_path',
    `refusing to stage: ${path} is ${describeKind(st)} where a ${expected} should be; ${why}. ` +
      'Remove it, or choose another target.'
  )
}

/** The path's components below the root; throws when `path` is not under it. */
function componentsOf(root: ContainedRoot, path: string): string[] {
  const rel = relative(root.real, path)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new AppError('unsafe_path', `${path} is not inside the target ${root.real}`)
  return rel.split(sep)
}

async function lstatOrNull(root: ContainedRoot, path: string): Promise<Stats | null> {
  try {
    return await bounded(lstat(path), path, root, 'looking at')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/**
 * Checks every folder on the way to `path` (not `path` itself). `create`: make missing ones, one at a time;
 * otherwise return false at the first missing one.
 */
async function checkFolders(root: ContainedRoot, path: string, create: boolean): Promise<boolean> {
  const parts = componentsOf(root, path)
  let at = root.real
  for (const part of parts.slice(0, -1)) {
    at = join(at, part)
    let st = await lstatOrNull(root, at)
    if (!st) {
      if (!create) return false
      try {
        // Not recursive: a recursive mkdir would follow a link planted further up. Bounded in time only: a stop
        // that walked away from it would leave the folder made after staging said it had stopped.
        await bounded(mkdir(at), at, { timeoutMs: root.timeoutMs }, 'making the folder')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      st = await lstatOrNull(root, at)
      if (!st) throw new AppError('io', `the folder ${at} vanished as it was made`)
    }
    if (!st.isDirectory()) throw refused(at, st, 'folder')
  }
  return true
}

/**
 * What is at the name of a file we mean to write, after checking the folders on the way (without making them):
 * a regular file's Stats, 'link' (a link we will replace, never follow), or null when nothing (or a missing
 * folder on the way). A special file, a folder, or a folder link on the way is refused, naming it.
 */
export async function inspectFile(root: ContainedRoot, path: string): Promise<Stats | 'link' | null> {
  if (!(await checkFolders(root, path, false))) return null
  const st = await lstatOrNull(root, path)
  if (!st) return null
  if (st.isSymbolicLink()) return 'link'
  if (!st.isFile()) throw refused(path, st, 'file')
  return st
}

/** On Linux, where the opened handle really is; null where the system does not say. */
async function openedPath(fh: FileHandle): Promise<string | null> {
  if (process.platform !== 'linux') return null
  return readlink(`/proc/self/fd/${fh.fd}`).catch(() => null)
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/**
 * Creates `path` as a new, empty file (its folders made as needed) and opens it for reading and writing
 * (reading: so the caller can check what it wrote through the same handle). Whatever was at the name is
 * removed first, if it is a file or a link; anything else there is refused. A stop during the create rejects
 * with cancelled once the file is closed and removed again: nothing made here outlives the call that gave up.
 */
export async function createFileExclusive(root: ContainedRoot, path: string): Promise<FileHandle> {
  await checkFolders(root, path, true)
  const st = await lstatOrNull(root, path)
  if (st && (isSpecial(st) || st.isDirectory())) throw refused(path, st, 'file')
  if (st) {
    try {
      await bounded(unlink(path), path, root, 'removing')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  let fh: FileHandle
  const opening = open(path, CREATE_FLAGS | fsConstants.O_RDWR, 0o666)
  try {
    // Bounded in time, not by the stop: the open makes the file, and a caller that left before it returned
    // could not remove it, so a stopped staging would leave a temp file behind. An exclusive create returns
    // at once unless the medium hangs, which the time limit covers.
    fh = await bounded(opening, path, { timeoutMs: root.timeoutMs }, 'creating')
  } catch (err) {
    // Timed out: should the open still succeed, the file is ours (an exclusive create), so it goes too.
    void opening
      .then(async (late) => {
        await late.close()
        await unlink(path)
      })
      .catch(() => undefined)
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new AppError(
        'unsafe_path',
        `refusing to stage: something was put at ${path} while staging was writing it; ` +
          'is another program writing to this target?',
        { cause: err }
      )
    throw err
  }
  if (root.signal?.aborted) {
    await fh.close().catch(() => undefined)
    await unlink(path).catch(() => undefined)
    throw new AppError('cancelled', `cancelled creating ${path}`)
  }
  const where = await openedPath(fh)
  if (where !== null && !inside(root.real, where)) {
    await fh.close().catch(() => undefined)
    await unlink(where).catch(() => undefined)
    throw new AppError(
      'unsafe_path',
      `refusing to stage: a folder on the way to ${path} was swapped for a link while staging wrote it ` +
        `(the file landed at ${where}, and was removed); is another program writing to this target?`
    )
  }
  return fh
}

/**
 * Opens an existing regular file under the root for reading, without following links: null when the name holds
 * nothing, a link, or anything but a regular file (incremental staging then writes it again). `expect`: the
 * file must be this one (dev and inode), e.g. the one just written and renamed into place.
 */
export async function openRegularFile(
  root: ContainedRoot,
  path: string,
  expect?: { dev: number; ino: number }
): Promise<{ handle: FileHandle; size: number } | null> {
  if (!(await checkFolders(root, path, false))) return null
  const st = await lstatOrNull(root, path)
  if (!st || !st.isFile()) return null
  let fh: FileHandle
  const opening = open(path, READ_FLAGS)
  try {
    fh = await bounded(opening, path, root, 'opening')
  } catch (err) {
    void opening.then((late) => late.close()).catch(() => undefined)
    // ELOOP: a link was put there after lstat.
    if (['ENOENT', 'ELOOP'].includes((err as NodeJS.ErrnoException).code ?? '')) return null
    throw err
  }
  try {
    const got = await boundedCall(fh, fh.stat(), path, root, 'looking at')
    const same = got.isFile() && got.dev === st.dev && got.ino === st.ino
    if (same && (!expect || (got.dev === expect.dev && got.ino === expect.ino)))
      return { handle: fh, size: got.size }
  } catch (err) {
    await closeLocalFile(fh, root)
    throw err
  }
  await closeLocalFile(fh, root)
  return null
}
