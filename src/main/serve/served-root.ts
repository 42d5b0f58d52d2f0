/**
 * The folder a directory mirror serves, held to the one that was checked when serving started, on a medium that
 * still answers. A stick that is ejected, unmounted or pulled leaves its mount point behind: an empty folder, or
 * whatever the host has there. Served by name, that would answer a MAAS region with "not found" or with another
 * tree. So the root's device and inode are recorded at start and compared again; any change is a reason, in plain
 * words, to stop serving. A stick pulled without unmounting can keep its root's identity (the kernel remembers it)
 * while every read fails: such an error, from a read or from the check itself, is a reason to stop too. So is a
 * medium that stops answering (an open, read or the check's stat with no reply within the stall time limit):
 * each call it keeps holds one of the process's four file-system threads for ever, so nothing more is sent to it.
 */
import { stat } from 'node:fs/promises'
import { AppError } from '@shared/errors'
import { bounded, stalled, type LocalFileOptions } from '../net/local-file'

export interface ServedRoot {
  readonly path: string
  /** null while the root is the folder checked at start; otherwise why it is not, naming the folder */
  changed(): Promise<string | null>
  /** why serving must stop when `err` (from reading the folder) says its medium is gone or failing; else null */
  failure(err: unknown): string | null
}

/**
 * The codes of a medium that is gone or failing, not of one file missing, in plain words: a stick pulled without
 * unmounting answers EIO; a device that went away, ENXIO or ENODEV; a file system that lost its files under open
 * handles (NFS, a remounted stick), ESTALE; a FUSE mount whose daemon died (exFAT, NTFS through FUSE), ENOTCONN.
 */
const MEDIUM_FAILED: Record<string, string> = {
  EIO: 'input/output error',
  ENXIO: 'the device is no longer there',
  ENODEV: 'the device is no longer there',
  ESTALE: 'the file system lost its files',
  ENOTCONN: 'its file system is no longer connected'
}

/** The words for the medium's failure when `err`, or an error it wraps, has one of those codes. */
function mediumFailure(err: unknown): string | null {
  let e: unknown = err
  // The bounded local reader wraps what the system said in an AppError, with the system's error as its cause.
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as NodeJS.ErrnoException).code
    if (typeof code === 'string' && Object.hasOwn(MEDIUM_FAILED, code)) return MEDIUM_FAILED[code]
    e = (e as { cause?: unknown }).cause
  }
  return null
}

/** Device and inode of `path`, as bigints: inode numbers may pass 2^53 (btrfs, NTFS file ids). */
async function identity(
  path: string,
  o: LocalFileOptions
): Promise<{ dev: bigint; ino: bigint; folder: boolean }> {
  const s = await bounded(stat(path, { bigint: true }), path, o)
  return { dev: s.dev, ino: s.ino, folder: s.isDirectory() }
}

/**
 * Records the folder at `path` as it is now; refuses a path that is not a folder. `timeoutMs`: the longest wait
 * for the check's stat, default 30 s (net/limits.ts).
 */
export async function servedRoot(path: string, o: Pick<LocalFileOptions, 'timeoutMs'> = {}): Promise<ServedRoot> {
  const was = await identity(path, o).catch((err: NodeJS.ErrnoException) => {
    if (err instanceof AppError) throw err
    throw new AppError(
      err.code === 'ENOENT' ? 'not_found' : 'io',
      err.code === 'ENOENT'
        ? `cannot serve ${path}: there is no such folder`
        : `cannot serve ${path}: it cannot be read (${err.code ?? String(err)})`,
      { cause: err }
    )
  })
  if (!was.folder) throw new AppError('invalid_argument', `cannot serve ${path}: it is not a folder`)
  const failure = (err: unknown): string | null => {
    const hung = stalled(err)
    if (hung)
      return (
        `${path}: the stick or disk stopped answering (${hung.words}): it may be failing or was pulled out; ` +
        'plug it in again and check it with Verify before serving it'
      )
    const words = mediumFailure(err)
    return words === null
      ? null
      : `${path}: the stick or disk stopped answering (${words}): it may have been pulled out; ` +
          'plug it in again and check it with Verify before serving it'
  }
  // One check at a time, however many requests ask: a stat on a medium that stopped answering must not pile up.
  let checking: Promise<string | null> | null = null
  const changed = async (): Promise<string | null> => {
    let now: { dev: bigint; ino: bigint; folder: boolean }
    try {
      now = await identity(path, o)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR')
        return `${path} is gone: the folder no longer exists (the stick or disk was ejected, unmounted or removed)`
      return (
        failure(err) ??
        `${path} can no longer be read (${code ?? String(err)}): the stick or disk may have been removed`
      )
    }
    if (now.dev !== was.dev)
      return (
        `${path} is no longer the folder serving started with: the stick or disk mounted there was ` +
        'ejected or unmounted, and another file system is at that path now'
      )
    if (now.ino !== was.ino)
      return `${path} is no longer the folder serving started with: it was replaced by another folder`
    return null
  }
  return {
    path,
    failure,
    changed: () => (checking ??= changed().finally(() => (checking = null)))
  }
}
