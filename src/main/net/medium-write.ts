/**
 * Copying a file onto its medium without the page cache in between: O_DIRECT writes on Linux. Staging reads
 * every file back from the medium (medium-read.ts), never from the cache, so a cached copy of what was written
 * serves nothing, and making it cost a quarter of staging's CPU, in system time (see docs/performance.md).
 *
 * O_DIRECT wants offsets, lengths and memory aligned to the sector: whole aligned 1 MiB blocks are written, the
 * last one zero-padded to ALIGNMENT and the file then truncated to its size, all through the one handle (fusefat
 * keeps a view of the file per handle: a tail written through another lost the first handle's blocks). A file
 * whose padding would pass the file system's size cap is copied buffered. The next block is read from the
 * source while this one is written. Where the platform, the module or the file system refuses (ramfs, some FUSE
 * file systems; macOS, which caches less through F_NOCACHE instead), the copy is buffered and the result says
 * why. The caller still fsyncs: O_DIRECT skips the cache, not the drive's own write cache or the metadata.
 *
 * Each write onto the target (and the reopen for it) is bounded by the stall time limit and the stop signal
 * (net/local-file.ts): a stick that stops answering fails the copy naming the file, and its buffers, which the
 * write given up on may still read from, are dropped rather than reused.
 */
import { constants as fsConstants } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { BufferPool } from '../core/buffer-pool'
import { bounded, boundedCall, closeLocalFile, GaveUpWaiting, givenUp, type LocalFileOptions } from './local-file'
import { ALIGNMENT, Refused, directIo, directIoProblem, reopen } from './medium-read'

const CHUNK = 1 << 20

/** Aligned buffers, two per file being written, reused while writes overlap (see core/buffer-pool.ts). */
let alignedPool: BufferPool | undefined
/** Plain buffers for the buffered copy. */
const plainPool = new BufferPool(() => Buffer.allocUnsafe(CHUNK))

export interface MediumCopyOptions {
  signal?: AbortSignal
  /** the largest file the target's file system holds (FAT32: 4 GiB - 1): the padded last block must fit */
  maxFileBytes?: number
  /** bytes copied so far, reported as each block is written */
  onBytes?: (n: number) => void
  /** longest wait for one write onto the target; default 30 s, the stall time limit of net/limits.ts */
  timeoutMs?: number
}

export interface MediumCopy {
  size: number
  /** true: written O_DIRECT; false: through the cache, for `reason` */
  uncached: boolean
  reason?: string
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? ''
}

/** Fills `buf` from `src` at `pos` until it is full or the file ends; the bytes read. */
async function fill(src: FileHandle, buf: Buffer, pos: number): Promise<number> {
  let got = 0
  while (got < buf.length) {
    const { bytesRead } = await src.read(buf, got, buf.length - got, pos + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return got
}

/** Writes buf[0, len) to `fh` at `pos`, each write bounded (`path` names the file in the error). */
async function writeAllOf(
  fh: FileHandle,
  path: string,
  buf: Buffer,
  len: number,
  pos: number,
  o: LocalFileOptions
): Promise<void> {
  let off = 0
  while (off < len)
    off += (await boundedCall(fh, fh.write(buf, off, len - off, pos + off), path, o, 'writing')).bytesWritten
}

/**
 * Gives `bufs` back to `pool`, unless a write given up on (on `handle`) may still read from one: then they are
 * dropped, so no other file's bytes are ever put where that write could still take them from.
 */
function giveBack(pool: BufferPool, handle: FileHandle, bufs: readonly Buffer[]): void {
  if (givenUp(handle)) bufs.forEach(() => pool.drop())
  else bufs.forEach((b) => pool.give(b))
}

/** The copy through the cache, at the destination handle's own position. */
async function copyBuffered(
  src: FileHandle,
  dest: FileHandle,
  path: string,
  opts: MediumCopyOptions
): Promise<number> {
  const buf = plainPool.take()
  try {
    let pos = 0
    for (;;) {
      opts.signal?.throwIfAborted()
      const n = await fill(src, buf, pos)
      if (n === 0) break
      await writeAllOf(dest, path, buf, n, pos, opts)
      pos += n
      opts.onBytes?.(n)
      if (n < buf.length) break
    }
    return pos
  } finally {
    giveBack(plainPool, dest, [buf])
  }
}

/** Thrown when the file system accepted the uncached open but refuses its first write: nothing was written. */
class FirstWriteRefused extends Error {}

async function copyUncached(
  src: FileHandle,
  out: FileHandle,
  path: string,
  opts: MediumCopyOptions
): Promise<number> {
  const pool = (alignedPool ??= new BufferPool(() => directIo()!.getAlignedBuffer(CHUNK, ALIGNMENT)))
  const bufs = [pool.take(), pool.take()] as const
  let reading: Promise<number> | null = null
  try {
    let pos = 0
    let cur = 0
    reading = fill(src, bufs[0], 0)
    for (;;) {
      opts.signal?.throwIfAborted()
      const n: number = await (reading as Promise<number>)
      reading = null
      if (n === 0) break
      const buf = bufs[cur]
      // A full block means there may be more: read it into the other buffer while this one is written.
      if (n === CHUNK) reading = fill(src, bufs[1 - cur], pos + n)
      const len = Math.ceil(n / ALIGNMENT) * ALIGNMENT
      buf.fill(0, n, len)
      try {
        await writeAllOf(out, path, buf, len, pos, opts)
      } catch (err) {
        if (pos === 0 && code(err) === 'EINVAL') throw new FirstWriteRefused()
        throw err
      }
      pos += n
      opts.onBytes?.(n)
      if (n < CHUNK) break
      cur = 1 - cur
    }
    // The last block was padded to ALIGNMENT: the file ends where the source did.
    if (pos % ALIGNMENT !== 0) await boundedCall(out, out.truncate(pos), path, opts, 'writing')
    return pos
  } finally {
    // Never leave a read running into a buffer that goes back to the pool.
    if (reading) await reading.catch(() => undefined)
    giveBack(pool, out, bufs)
  }
}

/** A second handle on `dest`'s file that writes past the cache, or why there is none. */
async function uncachedWriter(
  dest: FileHandle,
  path: string,
  o: LocalFileOptions
): Promise<FileHandle | string> {
  if (process.platform !== 'linux') return `uncached writes are used on Linux only, not ${process.platform}`
  const io = directIo()
  if (!io) return directIoProblem()
  const opening = reopen(dest, path, fsConstants.O_WRONLY | io.O_DIRECT)
  try {
    return await bounded(opening, path, o, 'opening')
  } catch (err) {
    if (err instanceof GaveUpWaiting) {
      void opening.then((h) => h.close()).catch(() => undefined)
      throw err
    }
    if (err instanceof Refused) throw err
    if (code(err) === 'EINVAL') return `the file system of ${path} refuses uncached writes`
    return `${path} could not be opened for an uncached write (${code(err) || (err as Error).message})`
  }
}

/**
 * Copies all of `src` (read through the cache) into the empty file behind `dest` (named `path` in messages and,
 * without /proc, reopened by it: checked to be the same file), past the cache where the platform and file
 * system allow. The caller keeps both handles, closes them (`dest` with closeLocalFile: a write given up on
 * may hold it), and fsyncs `dest`.
 */
export async function copyToMedium(
  src: FileHandle,
  dest: FileHandle,
  path: string,
  opts: MediumCopyOptions = {}
): Promise<MediumCopy> {
  const size = (await src.stat()).size
  if (opts.maxFileBytes !== undefined && Math.ceil(size / ALIGNMENT) * ALIGNMENT > opts.maxFileBytes) {
    const reason = `${path} padded to whole sectors would pass the file system's size cap`
    return { size: await copyBuffered(src, dest, path, opts), uncached: false, reason }
  }
  const out = await uncachedWriter(dest, path, opts)
  if (typeof out === 'string')
    return { size: await copyBuffered(src, dest, path, opts), uncached: false, reason: out }
  try {
    return { size: await copyUncached(src, out, path, opts), uncached: true }
  } catch (err) {
    if (!(err instanceof FirstWriteRefused)) throw err
  } finally {
    await closeLocalFile(out, opts)
  }
  const reason = `the file system of ${path} refuses uncached writes`
  return { size: await copyBuffered(src, dest, path, opts), uncached: false, reason }
}
