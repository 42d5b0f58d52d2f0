/**
 * Writing one file onto a staging target so that a pulled stick or a crash never leaves a wrong file
 * under a real name: write to `<name>.maas-images-tmp`, fsync, rename, fsync the directory, then read
 * the file back from the target and check its sha256 before calling it staged.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { AppError } from '@shared/errors'

export const TEMP_SUFFIX = '.maas-images-tmp'
const CHUNK = 1 << 20

export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256')
  const rs = createReadStream(path, { highWaterMark: CHUNK, signal })
  for await (const chunk of rs) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** True when `path` already holds exactly these bytes (incremental staging). */
export async function alreadyThere(
  path: string,
  size: number,
  sha256: string,
  signal?: AbortSignal
): Promise<boolean> {
  const st = await stat(path).catch(() => null)
  if (!st || !st.isFile() || st.size !== size) return false
  return (await hashFile(path, signal)) === sha256
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
 * Throws checksum when the read-back differs.
 */
export async function copyVerified(
  from: string | Buffer,
  dest: string,
  expect: { sha256: string; size: number },
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}
): Promise<void> {
  await mkdir(dirname(dest), { recursive: true })
  const tmp = dest + TEMP_SUFFIX
  const fh = await open(tmp, 'w')
  try {
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
  await fh.close()
  await rename(tmp, dest)
  await fsyncDir(dirname(dest))
  const st = await stat(dest)
  const got = st.size === expect.size ? await hashFile(dest, opts.signal) : `(${st.size} bytes)`
  if (got !== expect.sha256) {
    await rm(dest, { force: true }).catch(() => undefined)
    throw new AppError(
      'checksum',
      `${dest} read back wrong after writing: sha256 ${got}, expected ${expect.sha256} (${expect.size} bytes); ` +
        'the drive may be failing'
    )
  }
}
