/**
 * Hashing a file as it is stored on its medium, not as the page cache remembers it. After we write a file,
 * the kernel keeps the bytes we wrote in its cache; an ordinary read of the file answers from there, so a stick
 * that stores other bytes than it was given (counterfeit, failing) reads back "good" until it is unplugged.
 *
 * The choice: `@ronomon/direct-io` (what balena's etcher-sdk uses) gives aligned buffers and macOS's F_NOCACHE;
 * the uncached open itself is Node's: O_DIRECT on Linux, which libuv maps to FILE_FLAG_NO_BUFFERING on Windows
 * (direct-io exports the right value for each). It is a native module (N-API, so one build serves Node and
 * Electron), loaded lazily: where it is missing, or the file system refuses uncached reads (EINVAL), the file is
 * hashed through the cache and the result says so (`source: 'cache'`), never more than was checked.
 *
 * The file is never reopened by a name that could now mean another file: on Linux the checked handle is
 * reopened through /proc/self/fd/N (the same inode, new flags); elsewhere the name is reopened without
 * following links and must be the same file (device and inode) as the handle.
 *
 * Every read, and the reopen, is bounded by the stall time limit and the stop signal (net/local-file.ts): a
 * stick that stops answering fails the read-back naming the file, and a stop returns at once, without waiting
 * for the read the medium keeps.
 */
import { createHash } from 'node:crypto'
import { constants as fsConstants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import type { ReadBackSource } from '@shared/types'
import { BufferPool } from '../core/buffer-pool'
import { requireNative } from '../core/native-module'
import {
  bounded,
  boundedCall,
  closeLocalFile,
  GaveUpWaiting,
  givenUp,
  type LocalFileOptions
} from './local-file'

export type { ReadBackSource } from '@shared/types'

export interface MediumDigest {
  hex: string
  /** bytes hashed; with `over`, how far reading went before it stopped */
  size: number
  /** the file was longer than `maxBytes`: `hex` is empty */
  over?: boolean
  /** 'medium': the bytes came from the device; 'cache': they may have come from the system cache */
  source: ReadBackSource
  /** why the read went through the cache */
  cacheReason?: string
}

interface DirectIo {
  O_DIRECT: number
  getAlignedBuffer(size: number, alignment: number): Buffer
  setF_NOCACHE(fd: number, value: 0 | 1, cb: (err: Error | undefined) => void): void
}

/** 4096 is a multiple of every common sector size (512 and Advanced Format's 4096): offsets, lengths, memory. */
export const ALIGNMENT = 4096
const CHUNK = 1 << 20

/** Aligned read buffers, reused while read-backs overlap (see core/buffer-pool.ts). */
let alignedPool: BufferPool | undefined

let loaded: DirectIo | null | undefined
let loadProblem = ''

/** The direct-io module, or null where it cannot be loaded (`directIoProblem()` says why). */
export function directIo(): DirectIo | null {
  if (loaded === undefined) {
    try {
      loaded = requireNative('@ronomon/direct-io') as DirectIo
    } catch (err) {
      loaded = null
      loadProblem = `the direct-io module could not be loaded (${(err as Error).message.split('\n')[0]})`
    }
  }
  return loaded
}

export function directIoProblem(): string {
  return loadProblem
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? ''
}

/** The name now means another file than the handle: never read or write through it. */
export class Refused extends Error {}

async function sameFile(a: FileHandle, b: FileHandle): Promise<boolean> {
  const [x, y] = await Promise.all([a.stat({ bigint: true }), b.stat({ bigint: true })])
  return x.dev === y.dev && x.ino === y.ino
}

/** Opens the file behind `handle` again with `flags`; the result is the same file or an error. */
export async function reopen(handle: FileHandle, path: string, flags: number): Promise<FileHandle> {
  let again: FileHandle
  if (process.platform === 'linux') {
    try {
      again = await open(`/proc/self/fd/${handle.fd}`, flags)
    } catch (err) {
      // No /proc (a container without it): the name, checked below.
      if (code(err) !== 'ENOENT') throw err
      again = await open(path, flags | (fsConstants.O_NOFOLLOW ?? 0))
    }
  } else {
    again = await open(path, flags | (fsConstants.O_NOFOLLOW ?? 0))
  }
  if (!(await sameFile(handle, again))) {
    await again.close().catch(() => undefined)
    throw new Refused(`${path} was replaced by another file while it was open`)
  }
  return again
}

function setNoCache(io: DirectIo, fd: number): Promise<void> {
  return new Promise((resolve, reject) => io.setF_NOCACHE(fd, 1, (err) => (err ? reject(err) : resolve())))
}

/** A handle whose reads bypass the cache, or the reason there is none. */
async function uncachedHandle(handle: FileHandle, path: string): Promise<FileHandle | string> {
  const io = directIo()
  if (!io) return loadProblem
  try {
    if (process.platform === 'darwin') {
      // F_NOCACHE does not purge pages cached before it was set (see direct-io's README): the writer sets it
      // too (`keepOutOfCache`) so the bytes it wrote are not in the cache to answer this read.
      const h = await reopen(handle, path, fsConstants.O_RDONLY)
      await setNoCache(io, h.fd).catch(async (err) => {
        await h.close().catch(() => undefined)
        throw err
      })
      return h
    }
    if (process.platform === 'linux' || process.platform === 'win32' || process.platform === 'freebsd')
      return await reopen(handle, path, fsConstants.O_RDONLY | io.O_DIRECT)
    return `uncached reads are not supported on ${process.platform}`
  } catch (err) {
    if (err instanceof Refused) throw err
    if (code(err) === 'EINVAL') return `the file system of ${path} refuses uncached reads`
    return `${path} could not be opened for an uncached read (${code(err) || (err as Error).message})`
  }
}

/** Where the bytes of one read go; a fresh one for each attempt (a refused uncached read starts again). */
interface Sink<R> {
  update(chunk: Buffer): void
  result(): R
}

/**
 * Reads at offsets and lengths that are multiples of ALIGNMENT into aligned buffers, as O_DIRECT and
 * FILE_FLAG_NO_BUFFERING require. The last block of a file is usually partial: the read returns fewer bytes;
 * any short read is continued from the aligned offset at or below where it stopped, skipping what was taken.
 * Two buffers: after a full block, the next block is read into the other one while this one is hashed, so an
 * uncached read keeps the drive busy instead of waiting on the hash.
 */
async function readAligned<R>(
  h: FileHandle,
  path: string,
  bufs: readonly [Buffer, Buffer],
  sink: Sink<R>,
  maxBytes: number,
  o: LocalFileOptions
): Promise<{ value?: R; size: number; over?: boolean }> {
  let done = 0
  let cur = 0
  const read = (buf: Buffer, at: number): Promise<{ bytesRead: number }> => {
    const r = boundedCall(h, h.read(buf, 0, buf.length, at), path, o)
    // Awaited later (or in `finally`): a read ahead that gives up meanwhile is not an unhandled rejection.
    r.catch(() => undefined)
    return r
  }
  // The read ahead, and where it reads from: it is used only when the next block starts there.
  let ahead = null as { at: number; read: Promise<{ bytesRead: number }> } | null
  try {
    for (;;) {
      o.signal?.throwIfAborted()
      const at = done - (done % ALIGNMENT)
      const skip = done - at
      const buf = bufs[cur]
      const pending: Promise<{ bytesRead: number }> | null = ahead?.at === at ? ahead.read : null
      if (ahead && !pending) await ahead.read
      ahead = null
      const { bytesRead }: { bytesRead: number } = await (pending ?? read(buf, at))
      if (bytesRead <= skip) break
      const fresh = bytesRead - skip
      if (done + fresh > maxBytes) return { size: done + fresh, over: true }
      const next = bufs[1 - cur]
      if (bytesRead === buf.length) ahead = { at: at + bytesRead, read: read(next, at + bytesRead) }
      sink.update(buf.subarray(skip, bytesRead))
      done += fresh
      cur = 1 - cur
    }
  } finally {
    // Never leave a read running into a buffer (or on a handle) the caller is about to reuse or close. The
    // wait is bounded: a read ahead given up on marks the handle (givenUp), and its buffers are then dropped.
    if (ahead) await ahead.read.catch(() => undefined)
  }
  return { value: sink.result(), size: done }
}

async function readCached<R>(
  handle: FileHandle,
  path: string,
  newSink: () => Sink<R>,
  maxBytes: number,
  o: LocalFileOptions
): Promise<{ value?: R; size: number; over?: boolean }> {
  // Fresh buffers, never pooled: one a read given up on may still write into is simply left to the collector.
  const bufs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const
  try {
    return await readAligned(handle, path, bufs, newSink(), maxBytes, o)
  } catch (err) {
    // A handle opened for writing only (the stager's) fails at its first read: read through another one.
    if (code(err) !== 'EBADF') throw err
  }
  const readable = await boundedReopen(handle, path, fsConstants.O_RDONLY, o)
  try {
    return await readAligned(readable, path, bufs, newSink(), maxBytes, o)
  } finally {
    await closeLocalFile(readable, o)
  }
}

/**
 * reopen(), bounded like a read: an open on a medium that stopped answering does not return either. A handle
 * that opens after it was given up on is closed then.
 */
function boundedReopen(handle: FileHandle, path: string, flags: number, o: LocalFileOptions): Promise<FileHandle> {
  return boundedOpen(reopen(handle, path, flags), path, o)
}

async function boundedOpen<T>(opening: Promise<T>, path: string, o: LocalFileOptions): Promise<T> {
  try {
    return await bounded(opening, path, o, 'opening')
  } catch (err) {
    if (err instanceof GaveUpWaiting)
      void opening
        .then(async (h) => {
          if (typeof h === 'object' && h !== null) await (h as unknown as FileHandle).close()
        })
        .catch(() => undefined)
    throw err
  }
}

export interface MediumReadOptions {
  /** stop reading once the file is longer than this (a file that grew, or lies about its size) */
  maxBytes?: number
  signal?: AbortSignal
  /** longest wait for one read (or the reopen); default 30 s, the stall time limit of net/limits.ts */
  timeoutMs?: number
}

interface MediumRead<R> {
  value?: R
  size: number
  over?: boolean
  source: ReadBackSource
  cacheReason?: string
}

/** Reads the file behind `handle` into a fresh sink, from the medium where allowed, else through the cache. */
async function readFromMedium<R>(
  handle: FileHandle,
  path: string,
  newSink: () => Sink<R>,
  opts: MediumReadOptions
): Promise<MediumRead<R>> {
  const maxBytes = opts.maxBytes ?? Number.MAX_SAFE_INTEGER
  const o: LocalFileOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs }
  const uncached = await boundedOpen(uncachedHandle(handle, path), path, o)
  if (typeof uncached !== 'string') {
    try {
      const pool = (alignedPool ??= new BufferPool(() => directIo()!.getAlignedBuffer(CHUNK, ALIGNMENT)))
      const bufs = [pool.take(), pool.take()] as const
      try {
        const got = await readAligned(uncached, path, bufs, newSink(), maxBytes, o)
        return { ...got, source: 'medium' }
      } finally {
        // A read given up on (the medium stopped answering, or a stop) may still write into its buffer when
        // it returns, if ever: both are dropped, never given back to be read into by another file's read-back.
        // Otherwise readAligned has no read running into them once it returns or throws.
        if (givenUp(uncached)) bufs.forEach(() => pool.drop())
        else bufs.forEach((b) => pool.give(b))
      }
    } catch (err) {
      // Some file systems accept the open and refuse the read.
      if (code(err) !== 'EINVAL') throw err
      const reason = `the file system of ${path} refuses uncached reads`
      const got = await readCached(handle, path, newSink, maxBytes, o)
      return { ...got, source: 'cache', cacheReason: reason }
    } finally {
      await closeLocalFile(uncached, o)
    }
  }
  const got = await readCached(handle, path, newSink, maxBytes, o)
  return { ...got, source: 'cache', cacheReason: uncached }
}

/**
 * Hashes the file behind an open, already checked `handle` (named `path` in messages, and on systems without
 * /proc, reopened by it) from its medium where the platform and file system allow it, else through the cache,
 * saying which. The caller keeps `handle` and closes it with closeLocalFile (a read given up on may hold it).
 */
export async function hashFromMedium(
  handle: FileHandle,
  path: string,
  algorithm: string,
  opts: MediumReadOptions = {}
): Promise<MediumDigest> {
  const newSink = (): Sink<string> => {
    const hash = createHash(algorithm)
    return { update: (c) => void hash.update(c), result: () => hash.digest('hex') }
  }
  const { value, ...rest } = await readFromMedium(handle, path, newSink, opts)
  return { ...rest, hex: value ?? '' }
}

export interface MediumBytes {
  data: Buffer
  /** with `over`, how far reading went before it stopped (`data` is then empty) */
  size: number
  over?: boolean
  source: ReadBackSource
  cacheReason?: string
}

/**
 * The whole (small) file behind `handle`, read like hashFromMedium: what a signature is then checked on is what
 * the medium holds, not what the cache remembers. At most `maxBytes` are kept.
 */
export async function bytesFromMedium(
  handle: FileHandle,
  path: string,
  opts: MediumReadOptions = {}
): Promise<MediumBytes> {
  const newSink = (): Sink<Buffer> => {
    const chunks: Buffer[] = []
    return { update: (c) => void chunks.push(Buffer.from(c)), result: () => Buffer.concat(chunks) }
  }
  const { value, ...rest } = await readFromMedium(handle, path, newSink, opts)
  return { ...rest, data: value ?? Buffer.alloc(0) }
}

/**
 * macOS: turns caching off on a handle about to write a file, so a later F_NOCACHE read cannot be answered by
 * pages this write left in the cache. Elsewhere nothing to do: an O_DIRECT read writes back and bypasses them.
 */
export async function keepOutOfCache(handle: FileHandle): Promise<void> {
  if (process.platform !== 'darwin') return
  const io = directIo()
  if (io) await setNoCache(io, handle.fd).catch(() => undefined)
}
