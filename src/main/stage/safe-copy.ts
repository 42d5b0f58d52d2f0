/**
 * Writing one file onto a staging target so that a pulled stick or a crash never leaves a wrong file
 * under a real name: write to `<name>.maas-images-tmp`, fsync, rename, fsync the directory, then read
 * the file back from the medium (not the system cache, see net/medium-read.ts) and check its sha256
 * before calling it staged.
 */
import { constants as fsConstants } from 'node:fs'
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { AppError } from '@shared/errors'
import { hashFromMedium, keepOutOfCache, type ReadBackSource } from '../net/medium-read'

export const TEMP_SUFFIX = '.maas-images-tmp'
const CHUNK = 1 << 20

/**
 * Where `path` already holds exactly these bytes as read from the medium (incremental staging): where they
 * were read from; false when it does not.
 */
export async function alreadyThere(
  path: string,
  size: number,
  sha256: string,
  signal?: AbortSignal
): Promise<ReadBackSource | false> {
  const st = await stat(path).catch(() => null)
  if (!st || !st.isFile() || st.size !== size) return false
  const fh = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0))
  try {
    if (!(await fh.stat()).isFile()) return false
    const got = await hashFromMedium(fh, path, 'sha256', { maxBytes: size, signal })
    return !got.over && got.hex === sha256 ? got.source : false
  } finally {
    await fh.close()
  }
}

/**
 * The read-back: hashes the file just written, through the handle that wrote it, from the medium where the
 * system allows (else through the cache, which the result says). Throws checksum when the bytes differ.
 */
async function readBack(
  fh: FileHandle,
  dest: string,
  expect: { sha256: string; size: number },
  signal: AbortSignal | undefined
): Promise<ReadBackSource> {
  const got = await hashFromMedium(fh, dest, 'sha256', { maxBytes: expect.size, signal })
  const wrong = got.over || got.size !== expect.size ? `(${got.size} bytes)` : got.hex
  if (wrong !== expect.sha256) {
    await rm(dest, { force: true }).catch(() => undefined)
    throw new AppError(
      'checksum',
      `${dest} read back wrong after writing: sha256 ${wrong}, expected ${expect.sha256} (${expect.size} bytes)` +
        `${got.source === 'cache' ? ' (read through the system cache)' : ' (read from the drive)'}; ` +
        'the drive may be failing'
    )
  }
  return got.source
}

async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } catch (err) {
    // Some FUSE file systems do not implement fsync on directories; the file itself was synced.
    if (
      !['EINVAL', 'ENOSYS', 'ENOTSUP', 'EPERM', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')
    )
      throw err
  } finally {
    await fh.close()
  }
}

/**
 * Copies `from` (a file path or the bytes themselves) to `dest`; `onBytes` reports written bytes.
 * Throws checksum when the read-back differs; returns where the read-back read from.
 */
export async function copyVerified(
  from: string | Buffer,
  dest: string,
  expect: { sha256: string; size: number },
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}
): Promise<ReadBackSource> {
  await mkdir(dirname(dest), { recursive: true })
  const tmp = dest + TEMP_SUFFIX
  const fh = await open(tmp, 'w')
  try {
    await keepOutOfCache(fh)
    if (typeof from === 'string') {
      const buf = Buffer.allocUnsafe(CHUNK)
      const src = await open(from, 'r')
      try {
        let pos = 0
        for (;;) {
          opts.signal?.throwIfAborted()
          const { bytesRead } = await src.read(buf, 0, CHUNK, pos)
          if (bytesRead === 0) break
          let off = 0
          while (off < bytesRead) off += (await fh.write(buf, off, bytesRead - off)).bytesWritten
          pos += bytesRead
          opts.onBytes?.(bytesRead)
        }
      } finally {
        await src.close()
      }
    } else {
      await fh.writeFile(from)
      opts.onBytes?.(from.length)
    }
    await fh.sync()
  } catch (err) {
    await fh.close().catch(() => undefined)
    await rm(tmp, { force: true }).catch(() => undefined)
    throw err
  }
  // The handle stays open across the rename: the read-back reads the file that was written, not a name.
  try {
    await rename(tmp, dest)
    await fsyncDir(dirname(dest))
    return await readBack(fh, dest, expect, opts.signal)
  } finally {
    await fh.close().catch(() => undefined)
  }
}
