/**
 * Streams one response body to disk at a segment's write position. Chunks come straight from undici's
 * parser (response-body.ts: no Readable, no PassThrough) and are copied once, into a reused 256 KiB
 * batch written with a single positional write: far cheaper than writev of many 64 KiB chunks, and no
 * garbage of ours per chunk. While a batch is being written the body is paused (backpressure to the
 * socket; the stall watchdog does not count that time). A segment may be split while its body streams
 * (its end shrinks): only bytes still inside it are written.
 */
import { AppError } from '@shared/errors'
import type { Readable } from 'node:stream'
import { asResponseBody, type ResponseBody } from '../../net/response-body'
import type { Segment } from './file-ranges'
import { LocalRangeBody } from './range-fetch'

/** Bytes buffered per connection before a positional write. */
export const WRITE_BATCH = 256 << 10
/**
 * Bytes a connection may hold or be writing past its recorded position (a batch, plus what its socket has
 * read ahead): a split never cuts inside them. At least 1 MiB whatever the batch size, so a split never lands
 * inside a 1 MiB request and wastes its rest.
 */
export const WRITE_GUARD = Math.max(1 << 20, WRITE_BATCH + (512 << 10))
/** A batch older than this is written even when not full, so progress and hashing keep moving on slow links. */
const FLUSH_MS = 50
/** Batches kept for reuse: one per connection at the default cap (more would only hold memory). */
const SPARE_MAX = 16

/**
 * Batch buffers are reused rather than allocated per request: a fresh batch per Range request is
 * memory outside the JS heap that only a garbage collection gives back, and with short requests and many
 * connections that churn, not the bytes in flight, set the import's peak RSS.
 */
const spare: Buffer[] = []
function takeBatch(): Buffer {
  return spare.pop() ?? Buffer.allocUnsafeSlow(WRITE_BATCH)
}
function giveBack(b: Buffer): void {
  if (spare.length < SPARE_MAX) spare.push(b)
}
/** Batches allocated and now idle, for the test that they are reused. */
export function spareBatches(): number {
  return spare.length
}

/** Where the bytes of a segment go. */
export interface SegmentSink {
  /** Writes buf[0, n) at `pos`, completely (and tells the hasher first). */
  write(buf: Buffer, n: number, pos: number): Promise<void>
  /** [pos, pos + n) is on disk and the segment's `pos` has moved past it. */
  written(pos: number, n: number): void
}

/** Copies `res`'s body into [seg.pos, min(seg.end, limit)); throws when it ends early or is cancelled. */
export async function copyBody(
  sink: SegmentSink,
  seg: Segment,
  res: { url: string; body: ResponseBody | Readable },
  signal: AbortSignal,
  limit: number
): Promise<void> {
  if (res.body instanceof LocalRangeBody) return copyLocal(sink, seg, res.body, res.url, signal, limit)
  const batch = takeBatch()
  // What one write may hold: a short request fills only part of the batch before it is due.
  const room = Math.min(WRITE_BATCH, Math.max(1, limit - seg.pos))
  let fill = 0
  let since = 0
  const stopAt = (): number => Math.min(seg.end, limit)
  const flush = async (): Promise<void> => {
    // The segment may have been split meanwhile: write only what is still ours.
    const n = Math.min(fill, stopAt() - seg.pos)
    fill = 0
    if (n <= 0) return
    const from = seg.pos
    await sink.write(batch, n, from)
    // A split never cuts closer than the write guard to `pos`, so this stays within the segment.
    const delta = Math.min(n, seg.end - from)
    seg.pos += delta
    sink.written(from, delta)
  }
  // Pushed chunks with explicit pause/resume rather than an async iterator: no promise per chunk, which
  // is a good part of the CPU (and garbage) of receiving at hundreds of MB/s.
  const body = asResponseBody(res.body)
  let failure: unknown
  await new Promise<void>((resolve) => {
    let settled = false
    let busy = false
    let ended = false
    let leftover: Buffer | undefined
    const finish = (err?: unknown): void => {
      if (err !== undefined && failure === undefined) failure = err
      // Never settle while a write is in flight: the caller would free the segment and another connection
      // could start writing at a position this write is about to move.
      if (settled || busy) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      resolve()
    }
    const onAbort = (): void => finish()
    /** Copies what fits; returns the rest when the batch filled up (a write is then due). */
    const take = (chunk: Buffer): Buffer | undefined => {
      if (fill === 0) since = Date.now()
      const n = Math.min(chunk.length, room - fill)
      chunk.copy(batch, fill, 0, n)
      fill += n
      return n < chunk.length ? chunk.subarray(n) : undefined
    }
    const due = (): boolean => fill === room || seg.pos + fill >= stopAt() || Date.now() - since >= FLUSH_MS
    // The write that takes the request's last wanted byte: the body is not paused for it, so that undici
    // sees the response end (and keeps the connection for the next request) while the bytes are written.
    let finalWrite = false
    const drain = async (): Promise<void> => {
      busy = true
      finalWrite = seg.pos + fill >= stopAt()
      if (!finalWrite) body.pause()
      try {
        do {
          await flush()
          if (leftover && seg.pos < stopAt()) leftover = take(leftover)
          else leftover = undefined
        } while ((leftover || due()) && fill > 0 && seg.pos < stopAt() && !signal.aborted)
      } catch (err) {
        busy = false
        finish(err)
        return
      }
      busy = false
      if (seg.pos >= stopAt() || signal.aborted || ended || failure !== undefined) finish()
      else body.resume()
    }
    const onData = (chunk: Buffer): void => {
      if (settled) return
      if (busy) {
        // Past the last wanted byte (a padded body): not ours, and not kept.
        if (finalWrite) return
        // Already paused; a chunk emitted before the pause took effect waits its turn.
        leftover = leftover ? Buffer.concat([leftover, chunk]) : chunk
        return
      }
      leftover = take(chunk)
      if (leftover || due()) void drain()
    }
    const onEnd = (): void => {
      ended = true
      finish()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    if (signal.aborted) return finish()
    body.consume({ data: onData, end: onEnd, error: finish })
  })
  try {
    // Bytes that arrived before a cut or a stop are good bytes: keep them for the resume.
    await flush()
  } catch (err) {
    failure ??= err
  } finally {
    body.destroy()
    // No write of it is in flight any more (a flush is awaited before the promise above settles).
    giveBack(batch)
  }
  if (failure) throw failure
  if (signal.aborted) throw new AppError('cancelled', `cancelled fetching ${res.url}`)
  if (seg.pos < stopAt()) throw new AppError('network', `connection closed early fetching ${res.url}`)
}

/**
 * A local range read straight into the batch it is written from: one read and one positional write per batch,
 * with the same split and stop rules as a pushed body (only bytes still inside the segment are written).
 */
async function copyLocal(
  sink: SegmentSink,
  seg: Segment,
  body: LocalRangeBody,
  url: string,
  signal: AbortSignal,
  limit: number
): Promise<void> {
  const batch = takeBatch()
  const stopAt = (): number => Math.min(seg.end, limit)
  try {
    while (seg.pos < stopAt()) {
      if (signal.aborted) throw new AppError('cancelled', `cancelled fetching ${url}`)
      const from = seg.pos
      const got = await body.readAt(batch, Math.min(WRITE_BATCH, stopAt() - from), from)
      if (got === 0) throw new AppError('network', `connection closed early fetching ${url}`)
      // The segment may have been split during the read: write only what is still ours.
      const n = Math.min(got, stopAt() - from)
      if (n <= 0) break
      await sink.write(batch, n, from)
      const delta = Math.min(n, seg.end - from)
      seg.pos += delta
      sink.written(from, delta)
    }
  } finally {
    body.destroy()
    // A read given up on (a stick that stopped answering, a stop) may still write into the batch: drop it.
    if (!body.gaveUp) giveBack(batch)
  }
}
