/**
 * The folder a directory mirror serves, held to the one that was checked when serving started. A stick that is
 * ejected, unmounted or pulled leaves its mount point behind: an empty folder, or whatever the host has there.
 * Served by name, that would answer a MAAS region with "not found" or with another tree. So the root's device and
 * inode are recorded at start and compared again; any change is a reason, in plain words, to stop serving.
 */
import { stat } from 'node:fs/promises'
import { AppError } from '@shared/errors'

export interface ServedRoot {
  readonly path: string
  /** null while the root is the folder checked at start; otherwise why it is not, naming the folder */
  changed(): Promise<string | null>
}

/** Device and inode of `path`, as bigints: inode numbers may pass 2^53 (btrfs, NTFS file ids). */
async function identity(path: string): Promise<{ dev: bigint; ino: bigint; folder: boolean }> {
  const s = await stat(path, { bigint: true })
  return { dev: s.dev, ino: s.ino, folder: s.isDirectory() }
}

/** Records the folder at `path` as it is now; refuses a path that is not a folder. */
export async function servedRoot(path: string): Promise<ServedRoot> {
  const was = await identity(path).catch((err: NodeJS.ErrnoException) => {
    throw new AppError(
      err.code === 'ENOENT' ? 'not_found' : 'io',
      err.code === 'ENOENT'
        ? `cannot serve ${path}: there is no such folder`
        : `cannot serve ${path}: it cannot be read (${err.code ?? String(err)})`,
      { cause: err }
    )
  })
  if (!was.folder) throw new AppError('invalid_argument', `cannot serve ${path}: it is not a folder`)
  return {
    path,
    async changed() {
      let now: { dev: bigint; ino: bigint; folder: boolean }
      try {
        now = await identity(path)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        return code === 'ENOENT' || code === 'ENOTDIR'
          ? `${path} is gone: the folder no longer exists (the stick or disk was ejected, unmounted or removed)`
          : `${path} can no longer be read (${code ?? String(err)}): the stick or disk may have been removed`
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
  }
}
