/**
 * Opens a byte range of an item, over http(s) via the shared HTTP client, or from a local mirror
 * (file: URL, e.g. a USB stick) through the same response shape, so the downloader has one path.
 * Over http the body is undici's, pushed chunk by chunk to body-writer.ts with no stream in between.
 */
import type { FileHandle } from 'node:fs/promises'
import { isAbsolute, relative } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { AppError } from '@shared/errors'
import type { ProxySettings } from '@shared/types'
import { boundedCall, givenUp, openLocalFile, type OpenedLocalFile } from '../../net/local-file'
import { httpOpen } from '../../net/request'
import { fromReadable, type BodyConsumer, type ResponseBody } from '../../net/response-body'

export interface RangeRequest {
  /** inclusive start */
  start: number
  /** exclusive end */
  end: number
  proxy?: Partial<ProxySettings>
  signal: AbortSignal
  stallTimeoutMs?: number
  connectTimeoutMs?: number
  /**
   * the roots of this import's local mirrors (directories): a file: URL is read only under the one that holds
   * it, and only if its real path stays there
   */
  localRoots?: readonly string[]
}

export interface RangeResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  url: string
  /** must be consumed or destroyed; a Readable (local files, tests) is taken as well */
  body: ResponseBody | Readable
}

export type RangeFetcher = (url: string, req: RangeRequest) => Promise<RangeResponse>

export const fetchRange: RangeFetcher = async (url, req) => {
  if (url.startsWith('file:')) return localRange(url, req)
  return httpOpen(url, {
    headers: { Range: `bytes=${req.start}-${req.end - 1}` },
    proxy: req.proxy,
    signal: req.signal,
    stallTimeoutMs: req.stallTimeoutMs,
    connectTimeoutMs: req.connectTimeoutMs
  })
}

/** The mirror root that holds `path` by name (the deepest, should one root hold another). */
function mirrorRootOf(path: string, roots: readonly string[]): string | undefined {
  const holding = roots.filter((root) => {
    const rel = relative(root, path)
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
  })
  return holding.sort((a, b) => b.length - a.length)[0]
}

/**
 * The body of a local range: read positionally, straight into the downloader's write batch (body-writer.ts),
 * so a byte from a stick is read once into the buffer it is written from: no stream, no buffer per read for
 * the collector to free (1 MiB per read per connection held the import's peak RSS above 100 MB). Other
 * consumers get the same bytes as pushed chunks. The handle is this body's: closed by destroy(), or by its
 * stream once one was made. Each positional read is bounded by the stall time limit and the run's signal: a
 * stick that stops answering fails the range naming the file, and `gaveUp` tells the caller that the buffer
 * it lent may still be written into (it must drop it, never reuse it).
 */
export class LocalRangeBody implements ResponseBody {
  private stream: ResponseBody | undefined
  private closed = false

  constructor(
    private readonly handle: FileHandle,
    /** inclusive */
    readonly start: number,
    /** exclusive */
    readonly end: number,
    private readonly signal: AbortSignal,
    /** the file, for the error of a read with no reply */
    private readonly path = '',
    /** longest wait for one read; default 30 s (net/limits.ts) */
    private readonly timeoutMs?: number
  ) {}

  /** Reads up to `n` bytes at file position `pos` (within the range) into buf[0, n); 0 at the range's or file's end. */
  async readAt(buf: Buffer, n: number, pos: number): Promise<number> {
    const want = Math.min(n, this.end - pos, buf.length)
    if (want <= 0 || pos < this.start) return 0
    const o = { signal: this.signal, timeoutMs: this.timeoutMs }
    return (await boundedCall(this.handle, this.handle.read(buf, 0, want, pos), this.path, o)).bytesRead
  }

  /** True once a read was given up on: a buffer given to readAt may still be written into. */
  get gaveUp(): boolean {
    return givenUp(this.handle)
  }

  consume(consumer: BodyConsumer): void {
    // The stream takes the run's signal itself (Node removes that listener when the stream ends): a
    // connection chains many ranges over one signal, and a listener left per range printed
    // MaxListenersExceededWarning on the admin's terminal.
    this.stream ??= fromReadable(
      this.handle.createReadStream({
        start: this.start,
        end: this.end - 1,
        highWaterMark: 1 << 20,
        signal: this.signal
      })
    )
    this.stream.consume(consumer)
  }

  pause(): void {
    this.stream?.pause()
  }

  resume(): void {
    this.stream?.resume()
  }

  destroy(): void {
    if (this.stream) return this.stream.destroy()
    if (this.closed) return
    this.closed = true
    // FileHandle.close waits for a read still in flight.
    void this.handle.close().catch(() => undefined)
  }
}

/**
 * A byte range of an item of a local mirror (a USB stick), as untrusted as a server: the file is opened through
 * the bounded local reader with the mirror's root, so a link that leads out of the root (to a private file, or
 * to a copy of the right bytes elsewhere) is refused with "refused" alone: neither its size nor its bytes reach
 * a message, last-import.json or the cache.
 */
async function localRange(url: string, req: RangeRequest): Promise<RangeResponse> {
  const path = fileURLToPath(url)
  const root = mirrorRootOf(path, req.localRoots ?? [])
  if (root === undefined) {
    throw new AppError(
      'unsafe_path',
      `${path} is not under the root of a local mirror of this import: refused`
    )
  }
  let opened: OpenedLocalFile
  try {
    opened = await openLocalFile(path, { root, signal: req.signal, timeoutMs: req.stallTimeoutMs })
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') {
      return { status: 404, headers: {}, url, body: Readable.from([]) }
    }
    throw err
  }
  const end = Math.min(req.end, opened.size)
  return {
    status: 206,
    headers: { 'content-range': `bytes ${req.start}-${req.end - 1}/${opened.size}` },
    url,
    body: new LocalRangeBody(opened.handle, req.start, end, req.signal, path, req.stallTimeoutMs)
  }
}
