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

/** "30 s", or "200 ms" for the short limits tests use. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`
}

/**
 * bounded() stopped waiting for a call on a file that had not returned (the time limit passed, or a stop came).
 * The call itself cannot be cancelled: it may still return later and, if it was a read, write into its buffer
 * then. A buffer such a read was given must never be read into again or go back to a pool (core/buffer-pool.ts):
 * it is dropped. Its handle is closed with closeLocalFile, which does not wait for the call.
 */
export class GaveUpWaiting extends AppError {}

/**
 * A medium that stopped answering: one open, read, write or sync got no reply within the time limit. A stick
 * that hangs (failing, or pulled in a way the kernel has not noticed) keeps such a call, and the thread that
 * makes it, for ever; nothing more should be sent to it.
 */
export class MediumStalled extends GaveUpWaiting {
  /** "no reply in 30 s" */
  readonly words: string
  constructor(
    readonly path: string,
    readonly ms: number
  ) {
    const words = `no reply in ${duration(ms)}`
    super('io', `${path}: the stick or disk stopped answering (${words}): it may be failing or was pulled out`)
    this.words = words
  }
}

/** True when `err`, or an error it wraps, says the medium stopped answering. */
export function stalled(err: unknown): MediumStalled | null {
  let e: unknown = err
  for (let depth = 0; e && depth < 4; depth++) {
    if (e instanceof MediumStalled) return e
    e = (e as { cause?: unknown }).cause
  }
  return null
}

/**
 * Awaits `work` (a call on `path`) but gives up after `timeoutMs` or when `signal` aborts, throwing a
 * GaveUpWaiting: MediumStalled for the time limit, code `cancelled` for the stop. The fs call itself cannot be
 * cancelled (a hung medium keeps its thread), but the caller is released. Exported for its test.
 */
export async function bounded<T>(
  work: Promise<T>,
  path: string,
  o: LocalFileOptions,
  doing = 'reading'
): Promise<T> {
  const ms = o.timeoutMs ?? DEFAULT_STALL_TIMEOUT_MS
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MediumStalled(path, ms)), ms)
        onAbort = () => reject(new GaveUpWaiting('cancelled', `cancelled ${doing} ${path}`))
        if (o.signal?.aborted) onAbort()
        else o.signal?.addEventListener('abort', onAbort, { once: true })
      })
    ])
  } finally {
    clearTimeout(timer)
    if (onAbort) o.signal?.removeEventListener('abort', onAbort)
  }
}

/** Handles with a call bounded() gave up on: closing one must not wait for that call. */
const gaveUpOn = new WeakSet<FileHandle>()

/**
 * One call on `handle` (a read, a write, a sync), bounded like bounded(). When it is given up on, the handle is
 * marked: closeLocalFile then closes it without waiting, and `givenUp(handle)` tells its buffers' owner.
 */
export async function boundedCall<T>(
  handle: FileHandle,
  work: Promise<T>,
  path: string,
  o: LocalFileOptions,
  doing = 'reading'
): Promise<T> {
  try {
    return await bounded(work, path, o, doing)
  } catch (err) {
    if (err instanceof GaveUpWaiting) gaveUpOn.add(handle)
    throw err
  }
}

/** True once a call on `handle` was given up on: a buffer it was given may still be written into. */
export function givenUp(handle: FileHandle): boolean {
  return gaveUpOn.has(handle)
}

/**
 * Closes `handle`, ignoring errors. FileHandle.close waits until every call on the handle has returned, so a
 * handle with a call given up on is closed in the background (its descriptor is freed if that call ever
 * returns): awaiting it would hang the caller on the medium that stopped answering. Any other close is awaited
 * for at most `o.timeoutMs` or until `o.signal` aborts: on a FUSE file system (exFAT, NTFS) a close is a request
 * to its daemon, which a hung medium does not answer either.
 */
export async function closeLocalFile(handle: FileHandle, o: LocalFileOptions = {}): Promise<void> {
  const closing = handle.close().catch(() => undefined)
  if (!gaveUpOn.has(handle)) await bounded(closing, '', o, 'closing').catch(() => undefined)
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
    real = await bounded(realpath(path), path, o, 'resolving')
    if (o.root !== undefined) {
      const rootReal = await bounded(realpath(o.root), o.root, o, 'resolving')
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
  const opening = open(real, OPEN_FLAGS)
  try {
    handle = await bounded(opening, path, o, 'opening')
  } catch (err) {
    // An open given up on that returns after all is closed then, not left holding a descriptor.
    if (err instanceof GaveUpWaiting) void opening.then((h) => h.close()).catch(() => undefined)
    throw ioError(path, err)
  }
  try {
    const st = await boundedCall(handle, handle.stat(), path, o)
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
    await closeLocalFile(handle, o)
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
      const { bytesRead } = await boundedCall(
        handle,
        handle.read(target, total, target.length - total, total),
        path,
        o
      )
      if (bytesRead === 0) break
      total += bytesRead
      if (total > maxBytes) throw tooBig()
    }
    return total === target.length ? target : target.subarray(0, total)
  } finally {
    await closeLocalFile(handle, o)
  }
}
