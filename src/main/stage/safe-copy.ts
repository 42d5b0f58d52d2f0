/**
 * Writing one file onto a staging target so that a pulled stick or a crash never leaves a wrong file
 * under a real name: write to `<name>.maas-images-tmp`, fsync, rename, fsync the directory, then read
 * the file back from the medium (not the system cache, see net/medium-read.ts) through a handle checked to be
 * the file just written, and check its sha256 before calling it staged.
 *
 * Every name on the target is created and opened through core/contained-path.ts: never through a link,
 * never a special file, folders checked one by one under the target's real path.
 *
 * Reads, writes and the fsync of a file on the target are bounded by the stall time limit and the stop signal
 * (net/local-file.ts): a stick that stops answering fails the file with an error naming it, and nothing more
 * (no clean-up of the temp file) is sent to it.
 */
import { constants as fsConstants } from 'node:fs'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { AppError } from '@shared/errors'
import { bounded, boundedCall, closeLocalFile, openLocalFile, stalled } from '../net/local-file'
import { hashFromMedium, keepOutOfCache, type ReadBackSource } from '../net/medium-read'
import { copyToMedium } from '../net/medium-write'
import { createFileExclusive, inspectFile, openRegularFile, type ContainedRoot } from '../core/contained-path'

export const TEMP_SUFFIX = '.maas-images-tmp'
const DIR_FLAGS =
  fsConstants.O_RDONLY |
  (fsConstants.O_DIRECTORY ?? 0) |
  (fsConstants.O_NOFOLLOW ?? 0) |
  (fsConstants.O_NONBLOCK ?? 0)

/**
 * Where `path` already holds exactly these bytes as read from the medium (incremental staging): where they
 * were read from; false when it does not. Anything but a regular file (a link, a FIFO, a device) is not
 * there: it is hashed through the handle lstat checked, never by name.
 */
export async function alreadyThere(
  root: ContainedRoot,
  path: string,
  size: number,
  sha256: string,
  opts: MediumTime = {}
): Promise<ReadBackSource | false> {
  const opened = await openRegularFile(root, path)
  if (!opened) return false
  try {
    if (opened.size !== size) return false
    const got = await hashFromMedium(opened.handle, path, 'sha256', { maxBytes: size, ...opts })
    return !got.over && got.hex === sha256 ? got.source : false
  } finally {
    await closeLocalFile(opened.handle, opts)
  }
}

async function fsyncDir(dir: string, o: MediumTime): Promise<void> {
  if (process.platform === 'win32') return
  // A folder, not followed through a link, and never a FIFO's blocking open.
  const opening = open(dir, DIR_FLAGS)
  let fh: FileHandle
  try {
    fh = await bounded(opening, dir, o, 'opening')
  } catch (err) {
    void opening.then((late) => late.close()).catch(() => undefined)
    throw err
  }
  try {
    await boundedCall(fh, fh.sync(), dir, o, 'writing')
  } catch (err) {
    // Some FUSE file systems do not implement fsync on directories; the file itself was synced.
    if (
      !['EINVAL', 'ENOSYS', 'ENOTSUP', 'EPERM', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')
    )
      throw err
  } finally {
    await closeLocalFile(fh, o)
  }
}

async function writeAll(
  fh: FileHandle,
  from: string | Buffer,
  dest: string,
  opts: CopyOptions
): Promise<void> {
  if (typeof from !== 'string') {
    await boundedCall(fh, fh.writeFile(from), dest, opts, 'writing')
    opts.onBytes?.(from.length)
    return
  }
  // The cache blob through the bounded local reader too: a regular file only, and an open that neither
  // waits on a FIFO nor outlasts a stop. Written past the page cache where the target allows: the
  // read-back reads the medium anyway (net/medium-write.ts).
  const { handle: src } = await openLocalFile(from, { signal: opts.signal })
  try {
    await copyToMedium(src, fh, dest, opts)
  } finally {
    await src.close()
  }
}

/**
 * Opens the file just renamed to `dest` for the read-back: by name, without following links, and only if
 * it is the very file that was written (same device and inode), so nothing swapped in after the rename
 * is what gets checked.
 */
async function openForReadBack(
  root: ContainedRoot,
  dest: string,
  written: { dev: number; ino: number }
): Promise<FileHandle> {
  const opened = await openRegularFile(root, dest, written)
  if (!opened)
    throw new AppError(
      'unsafe_path',
      `${dest} is not the file staging just wrote there (something replaced it); is another program writing to this target?`
    )
  return opened.handle
}

/**
 * Hashes the written file through `handle`, from the medium where the system allows (else through the cache,
 * which the result says), and throws checksum when it is not what was meant.
 */
async function readBack(
  handle: FileHandle,
  dest: string,
  expect: { sha256: string; size: number },
  opts: MediumTime
): Promise<ReadBackSource> {
  const got = await hashFromMedium(handle, dest, 'sha256', { maxBytes: expect.size, ...opts })
  const wrong = got.over || got.size !== expect.size ? `(${got.size} bytes)` : got.hex
  if (wrong !== expect.sha256)
    throw new AppError(
      'checksum',
      `${dest} read back wrong after writing: sha256 ${wrong}, expected ${expect.sha256} (${expect.size} bytes)` +
        `${got.source === 'cache' ? ' (read through the system cache)' : ' (read from the drive)'}; ` +
        'the drive may be failing'
    )
  return got.source
}

/** The stop signal, and the longest wait for one read or write on the target (default 30 s, net/limits.ts). */
export interface MediumTime {
  signal?: AbortSignal
  timeoutMs?: number
}

export interface CopyOptions extends MediumTime {
  onBytes?: (n: number) => void
  /** the largest file the target's file system holds, where it has a cap */
  maxFileBytes?: number
}

/** The file a durable write left under its final name: the read-back must find this very file there. */
export interface WrittenFile {
  dev: number
  ino: number
}

/**
 * Writes `from` (a file path or the bytes themselves) to `dest` under the target `root` so that it is on the
 * medium before it has its name: a temp name, fsync, rename, fsync of the folder. `onBytes` reports written
 * bytes. Throws unsafe_path when a link or a special file is in the way. The file is not staged until
 * `checkWritten` has read it back.
 */
export async function writeDurable(
  root: ContainedRoot,
  from: string | Buffer,
  dest: string,
  opts: CopyOptions = {}
): Promise<WrittenFile> {
  const tmp = dest + TEMP_SUFFIX
  // The final name first: a special file or a folder there is refused before anything is written, and a
  // folder link on the way is refused by name. A link or a file there is replaced by the rename below
  // (rename replaces the link itself, never its target).
  await inspectFile(root, dest)
  const fh = await createFileExclusive(root, tmp)
  let written: WrittenFile
  try {
    // macOS: F_NOCACHE must be on before the write, since it does not drop pages already cached.
    await keepOutOfCache(fh)
    await writeAll(fh, from, tmp, opts)
    await boundedCall(fh, fh.sync(), tmp, opts, 'writing')
    written = await boundedCall(fh, fh.stat(), tmp, opts, 'looking at')
  } catch (err) {
    // Bounded in time only: the temp file is removed once closed (Windows removes no file that is open).
    await closeLocalFile(fh, { timeoutMs: opts.timeoutMs })
    // A target that stopped answering is sent nothing more: the remove would hang as its write did, and the
    // next staging removes the temp file.
    if (!stalled(err)) await rm(tmp, { force: true }).catch(() => undefined)
    throw err
  }
  await bounded(fh.close(), tmp, opts, 'closing')
  // Checked again just before the rename: only a file or a link may be replaced by it.
  await inspectFile(root, dest)
  await bounded(rename(tmp, dest), dest, opts, 'renaming')
  await fsyncDir(dirname(dest), opts)
  return { dev: written.dev, ino: written.ino }
}

/**
 * Reads `dest` back from the medium through a handle checked to be the file `writeDurable` left there and
 * checks its sha256 and size; a wrong file is removed and the error is checksum. Returns where the bytes
 * were read from.
 */
export async function checkWritten(
  root: ContainedRoot,
  dest: string,
  written: WrittenFile,
  expect: { sha256: string; size: number },
  opts: MediumTime = {}
): Promise<ReadBackSource> {
  const handle = await openForReadBack(root, dest, written)
  try {
    return await readBack(handle, dest, expect, opts)
  } catch (err) {
    if (err instanceof AppError && err.code === 'checksum')
      await rm(dest, { force: true }).catch(() => undefined)
    throw err
  } finally {
    await closeLocalFile(handle, opts)
  }
}

/**
 * Copies `from` to `dest` and reads it back (`writeDurable`, then `checkWritten`). Throws checksum when the
 * read-back differs, unsafe_path when a link or a special file is in the way; returns where the read-back
 * read from.
 */
export async function copyVerified(
  root: ContainedRoot,
  from: string | Buffer,
  dest: string,
  expect: { sha256: string; size: number },
  opts: CopyOptions = {}
): Promise<ReadBackSource> {
  const written = await writeDurable(root, from, dest, opts)
  return await checkWritten(root, dest, written, expect, { signal: opts.signal, timeoutMs: opts.timeoutMs })
}
