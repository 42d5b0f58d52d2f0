import { constants as fsConstants } from 'node:fs'
import { open, realpath, type FileHandle } from 'node:fs/promises'
import { relative, isAbsolute } from 'node:path'
import { AppError } from '@shared/errors'
import { DEFAULT_STALL_TIMEOUT_MS } from './limits'

/**
 * Opening and reading files of a local mirror (a directory or USB stick), which is as untrusted as a remote one:
 * a name in it can be a symlink to /dev/zero (endless), a FIFO (blocks for ever), or a link to a file elsewhere on
 * the machine whose size and checksum must not show up in our messages.
 */
export interface LocalFileOptions {
  /** the mirror root: the file's real path must stay under this directory's real path */
  root?: string
  signal?: AbortSignal
  /** longest wait for one open or read; default 30 s (a hung network filesystem) */
  timeoutMs?: number
}

export interface OpenedLocalFile {
  handle: FileHandle
  size: number
  /** the resolved path that was opened */
  realPath: string
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, before fstat can refuse it.
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0)

/**
 * Awaits `work` but gives up after `timeoutMs` or when `signal` aborts; the fs call itself cannot be cancelled
 * (a hung network filesystem keeps its thread), but the caller is released. Exported for its test.
 */
export async function bounded<T>(work: Promise<T>, what: string, o: LocalFileOptions): Promise<T> {
  const ms = o.timeoutMs ?? DEFAULT_STALL_TIMEOUT_MS
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new AppError(
                'io',
                `timed out after ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} ${what}`
              )
            ),
          ms
        )
        onAbort = () => reject(new AppError('cancelled', `cancelled ${what}`))
        if (o.signal?.aborted) onAbort()
        else o.signal?.addEventListener('abort', onAbort, { once: true })
      })
    ])
  } finally {
    clearTimeout(timer)
    if (onAbort) o.signal?.removeEventListener('abort', onAbort)
  }
}

function ioError(path: string, err: unknown): AppError {
  if (err instanceof AppError) return err
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new AppError('not_found', `file not found: ${path}`, { cause: err })
  return new AppError('io', `cannot read ${path}: ${code ?? String(err)}`, { cause: err })
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Opens a regular file of a local mirror for reading. Refused: anything whose real path leaves `root` (the message
 * says only that, never what is there), and anything that is not a regular file once opened (device, FIFO,
 * socket, directory). The type is checked on the opened handle, so a swap after the check cannot change it.
 */
export async function openLocalFile(path: string, o: LocalFileOptions = {}): Promise<OpenedLocalFile> {
  if (o.signal?.aborted) throw new AppError('cancelled', `cancelled reading ${path}`)
  let real: string
  try {
    real = await bounded(realpath(path), `resolving ${path}`, o)
    if (o.root !== undefined) {
      const rootReal = await bounded(realpath(o.root), `resolving ${o.root}`, o)
      if (!isInside(rootReal, real)) {
        throw new AppError(
          'unsafe_path',
          `${path} is a link that leads outside the mirror root ${o.root}: refused`
        )
      }
    }
  } catch (err) {
    throw ioError(path, err)
  }
  let handle: FileHandle
  try {
    handle = await bounded(open(real, OPEN_FLAGS), `opening ${path}`, o)
  } catch (err) {
    throw ioError(path, err)
  }
  try {
    const st = await bounded(handle.stat(), `reading ${path}`, o)
    if (st.isDirectory()) throw new AppError('io', `${path} is a directory, expected a file`)
    if (!st.isFile()) {
      const kind = st.isFIFO()
        ? 'a FIFO'
        : st.isCharacterDevice() || st.isBlockDevice()
          ? 'a device'
          : st.isSocket()
            ? 'a socket'
            : 'not a regular file'
      throw new AppError('io', `${path} is ${kind}, expected a regular file: refused`)
    }
    return { handle, size: st.size, realPath: real }
  } catch (err) {
    await handle.close().catch(() => undefined)
    throw ioError(path, err)
  }
}

/**
 * Reads a whole local document, at most `maxBytes`: it reads in a loop until end of file and stops as soon as one
 * byte more than the cap has arrived, so a file that grows, or lies about its size, cannot make us read on.
 * `tooBig` builds the error for a file over the cap.
 */
export async function readLocalFile(
  path: string,
  maxBytes: number,
  tooBig: () => AppError,
  o: LocalFileOptions = {}
): Promise<Buffer> {
  const { handle, size } = await openLocalFile(path, o)
  try {
    if (size > maxBytes) throw tooBig()
    // One byte of slack shows a file that grew past the cap after fstat.
    const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(size + 1, 64 * 1024)))
    let total = 0
    let target = buf
    for (;;) {
      if (total === target.length) {
        if (total > maxBytes) throw tooBig()
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, target.length * 2))
        target.copy(grown, 0, 0, total)
        target = grown
      }
      const { bytesRead } = await bounded(
        handle.read(target, total, target.length - total, total),
        `reading ${path}`,
        o
      )
      if (bytesRead === 0) break
      total += bytesRead
      if (total > maxBytes) throw tooBig()
    }
    return total === target.length ? target : target.subarray(0, total)
  } finally {
    await handle.close().catch(() => undefined)
  }
}
