/**
 * Fetches a set of blobs into the cache over a fixed number of connections in total.
 *
 * - Several files at once; a free connection first starts the next queued file (largest first), and
 *   once none is queued it splits the largest in-flight Range segment, so all connections stay busy
 *   until the end. A server that ignores Range gets one stream per file.
 * - Bytes go straight to disk with positional writes (about 1 MiB buffered per connection), and the
 *   sha256 runs in a worker over the written prefix: memory is bounded whatever the file sizes.
 * - Every file is verified (size and sha256) before it enters the cache. A server whose file has another size
 *   than the signed one fails that file at once, saying both sizes.
 * - A server that answers a whole-file 200 after Range answers (206) for the same file, or that ignores Range
 *   while bytes of the file are already on disk, gets the file fetched again from scratch as one stream: the
 *   partial and its journal are discarded, and a fresh hasher starts at byte 0 (see restartFile and rewind).
 * - Every completed write is journalled, so a stop, crash or kill -9 resumes with Range requests.
 * - Connection errors, 5xx and stalls are retried with exponential backoff; 403/404/410 fail the
 *   file at once (after trying any other URL for the same bytes), naming the URL.
 */
import { open, type FileHandle } from 'node:fs/promises'
import type { ProxySettings } from '../../../shared/types'
import { AppError } from '../../../shared/errors'
import { httpError, type HttpResponse } from '../../net/request'
import type { BlobCache } from '../../library/blob-cache'
import { FileRanges, type Segment } from './file-ranges'
import type { FileHasher, HashPool } from './hash-pool'
import { loadResumeJournal, ResumeJournal, removeResumeJournal } from './resume-journal'
import { fetchRange, type RangeFetcher } from './range-fetch'

export interface DownloadJob {
  sha256: string
  size: number
  urls: string[]
  /** "<product> <item>", for messages */
  label: string
}

export interface DownloadEvents {
  /** bytes already on disk from an earlier partial, reported once when the file opens */
  resumed?(job: DownloadJob, bytes: number): void
  /** newly written bytes; may go back (negative) when a file has to start over */
  bytes?(job: DownloadJob, delta: number): void
  done?(job: DownloadJob): void
  failed?(job: DownloadJob, err: AppError): void
}

export interface DownloaderOptions {
  cache: BlobCache
  hashPool: HashPool
  /** connections in total */
  connections: number
  proxy?: Partial<ProxySettings>
  signal?: AbortSignal
  /** a segment is split only when both halves get at least this much; default 4 MiB */
  minSplitBytes?: number
  stallTimeoutMs?: number
  connectTimeoutMs?: number
  /** attempts per segment without progress before the file fails; default 6 */
  maxAttempts?: number
  /** first backoff; doubles each attempt up to 15 s; default 250 ms */
  backoffMs?: number
  /**
   * fixed size of each Range request (a connection chains them over keep-alive); by default it adapts
   * (see RequestSizer). It also bounds what can be in flight when a process is killed, hence lost on resume.
   */
  requestBytes?: number
  fetch?: RangeFetcher
}

export interface DownloadOutcome {
  /** set when the whole run stopped early: disk full, or a stop request */
  fatal?: AppError
  stopped: boolean
}

const WRITE_BATCH = 512 << 10
const HASH_STEP = 4 << 20
const FLUSH_MS = 50
/** Bytes a connection may hold or be writing past its recorded position: a split never cuts inside them. */
const WRITE_GUARD = WRITE_BATCH + (512 << 10)
const NO_RETRY = new Set([401, 403, 404, 410])

interface OpenFile {
  job: DownloadJob
  ranges: FileRanges
  fh: FileHandle
  hasher: FileHasher
  partPath: string
  journalPath: string
  /** learnt from the first answer: 206 yes, 200 no; false from the start for a file fetched as one stream */
  rangeOk: boolean | undefined
  conns: Set<AbortController>
  urlIndex: number
  failed: boolean
  finishing: boolean
  /** a whole-file 200 came after Range answers: once its connections end, the file starts over */
  restarting: boolean
  journal: ResumeJournal
  /** bytes found on disk at open: a checksum mismatch then earns one fresh start */
  resumedBytes: number
  restarted: boolean
  errors: number
  failError?: AppError
  closed: boolean
}

type Work = { kind: 'open'; job: DownloadJob } | { kind: 'segment'; file: OpenFile; seg: Segment }

class HttpStatus extends Error {
  constructor(
    readonly status: number,
    readonly appError: AppError
  ) {
    super(appError.message)
  }
}

/** The URL serves a file of another size than the signed one: no retry can help; another URL might. */
class WrongSize extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message)
  }
}

/** Thrown by the connection that saw a 200 after Range answers: the file starts over, this is no failure. */
class StartOver extends Error {}

function wrongSize(job: DownloadJob, url: string, serverSize: number): WrongSize {
  return new WrongSize(
    new AppError(
      'checksum',
      `size mismatch: ${job.label} at ${url}: the server's file is ${serverSize} bytes, the signed size is ${job.size}`
    )
  )
}

export class Downloader {
  private readonly queue: DownloadJob[]
  private readonly files = new Map<string, OpenFile>()
  private readonly tasks = new Set<Promise<void>>()
  private readonly fetch: RangeFetcher
  private readonly abort = new AbortController()
  private readonly requestSize = new RequestSizer()
  /** files already started over once after a checksum mismatch of a resumed partial */
  private readonly restarted = new Set<string>()
  /** files started over after a whole-file 200 followed Range answers: fetched as one stream from now on */
  private readonly oneStream = new Set<string>()
  private active = 0
  private stopping = false
  private fatal: AppError | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private retryTimerAt = 0
  private finished!: () => void
  private readonly done = new Promise<void>((r) => (this.finished = r))

  constructor(
    jobs: readonly DownloadJob[],
    private readonly opts: DownloaderOptions,
    private readonly events: DownloadEvents = {}
  ) {
    // Largest first: the big files start early and get split, and the small ones fill the gaps at the end.
    this.queue = [...jobs].sort((a, b) => b.size - a.size)
    this.fetch = opts.fetch ?? fetchRange
  }

  async run(): Promise<DownloadOutcome> {
    const onAbort = (): void => this.stop()
    if (this.opts.signal?.aborted) this.stop()
    this.opts.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      this.pump()
      await this.done
      // Let finishing files (hash, fsync, rename) complete even when stopping.
      while (this.tasks.size) await Promise.allSettled([...this.tasks])
      await this.closeAll()
    } finally {
      if (this.retryTimer) clearTimeout(this.retryTimer)
      this.opts.signal?.removeEventListener('abort', onAbort)
    }
    return { fatal: this.fatal, stopped: this.stopping }
  }

  /** Cancels every connection; partial files and their resume journals stay for a later resume. */
  stop(fatal?: AppError): void {
    if (fatal && !this.fatal) this.fatal = fatal
    if (this.stopping) return
    this.stopping = true
    this.queue.length = 0
    this.abort.abort()
    for (const f of this.files.values()) for (const c of f.conns) c.abort()
    this.settle()
  }

  private track(p: Promise<void>): void {
    const t = p
      .catch((err) => {
        // Work functions report their own failures; reaching here is a bug, so stop rather than hang.
        this.stop(new AppError('internal', `downloader: ${(err as Error)?.message ?? String(err)}`))
      })
      .finally(() => {
        this.tasks.delete(t)
        this.settle()
      })
    this.tasks.add(t)
  }

  private pump(): void {
    if (this.stopping) return
    // One clock reading for the whole pass: the backoffs nextWork() finds "not due yet" must be the ones the
    // retry timer is armed for. With two readings, a clock tick in between (a busy machine) left a segment due
    // by the second reading but not taken by the first: no timer, nothing running, and the import hung.
    const now = Date.now()
    while (this.active < this.opts.connections) {
      const work = this.nextWork(now)
      if (!work) break
      this.active++
      this.track(
        this.runWork(work).finally(() => {
          this.active--
          this.pump()
        })
      )
    }
    this.scheduleRetry(now)
    this.settle()
  }

  private settle(): void {
    if (
      this.active === 0 &&
      this.tasks.size === 0 &&
      (this.stopping || (this.queue.length === 0 && this.files.size === 0))
    ) {
      this.finished()
    } else if (this.active === 0 && this.tasks.size === 0 && !this.stopping) {
      // Only backoffs are pending (some maybe already due): the retry timer will pump.
      this.scheduleRetry(Date.now())
    }
  }

  private nextWork(now: number): Work | undefined {
    for (const f of this.files.values()) {
      if (f.failed || f.finishing || f.restarting) continue
      // Until the first answer says whether Range works, one connection per file.
      if (f.rangeOk !== true && f.conns.size > 0) continue
      const seg = f.ranges.takeIdle(now)
      if (seg) return { kind: 'segment', file: f, seg }
    }
    const job = this.queue.shift()
    if (job) return { kind: 'open', job }
    const minSplit = this.opts.minSplitBytes ?? 4 << 20
    let best: { file: OpenFile; seg: Segment; at: number } | undefined
    for (const f of this.files.values()) {
      if (f.failed || f.finishing || f.restarting || f.rangeOk !== true) continue
      const cand = f.ranges.largestSplittable(minSplit, WRITE_GUARD)
      if (cand && (!best || cand.seg.end - cand.at > best.seg.end - best.at)) best = { file: f, ...cand }
    }
    if (best) return { kind: 'segment', file: best.file, seg: best.file.ranges.split(best.seg, best.at) }
    return undefined
  }

  /**
   * Arms the timer that pumps when the earliest backoff ends, `now` being the clock reading the caller judged
   * due segments by. A segment already due counts too when a connection is free (as when nothing runs): then
   * nothing else would pump for it. One waiting on a busy connection (all taken, or the file's first answer
   * still out) is left to that connection's end, which pumps.
   */
  private scheduleRetry(now: number): void {
    if (this.stopping) return
    let t: number | undefined
    for (const f of this.files.values()) {
      if (f.failed || f.finishing || f.restarting) continue
      if (f.rangeOk !== true && f.conns.size > 0) continue
      const r = f.ranges.nextRetryAt()
      if (r === undefined || (r <= now && this.active >= this.opts.connections)) continue
      t = t === undefined ? r : Math.min(t, r)
    }
    if (t === undefined) return
    // An armed timer that fires no later is enough; a later one is replaced, or a short backoff would wait it out.
    if (this.retryTimer) {
      if (this.retryTimerAt <= t) return
      clearTimeout(this.retryTimer)
    }
    this.retryTimerAt = t
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined
        this.pump()
      },
      Math.max(1, t - now)
    )
  }

  private async runWork(work: Work): Promise<void> {
    if (work.kind === 'open') {
      let file: OpenFile
      try {
        file = await this.openFile(work.job)
      } catch (err) {
        this.failJob(work.job, asAppError(err, work.job))
        return
      }
      if (this.stopping) return
      const seg = file.ranges.takeIdle()
      if (!seg) {
        this.maybeFinish(file)
        return
      }
      return this.connection(file, seg)
    }
    return this.connection(work.file, work.seg)
  }

  private async openFile(job: DownloadJob): Promise<OpenFile> {
    const { cache, hashPool } = this.opts
    const partPath = cache.partPath(job.sha256)
    const journalPath = cache.journalPath(job.sha256)
    let ranges = await loadResumeJournal(journalPath, partPath, job.sha256, job.size)
    let fh: FileHandle | undefined
    if (ranges) fh = await open(partPath, 'r+').catch(() => undefined)
    if (!ranges || !fh) {
      await removeResumeJournal(journalPath)
      fh = await open(partPath, 'w+')
      ranges = new FileRanges(job.size)
    }
    let journal: ResumeJournal
    try {
      journal = await ResumeJournal.create(journalPath, job.sha256, ranges)
    } catch (err) {
      await fh.close()
      throw err
    }
    const file: OpenFile = {
      job,
      ranges,
      fh,
      hasher: hashPool.open(partPath),
      partPath,
      journalPath,
      rangeOk: this.oneStream.has(job.sha256) ? false : undefined,
      conns: new Set(),
      urlIndex: 0,
      failed: false,
      finishing: false,
      restarting: false,
      journal,
      resumedBytes: ranges.doneBytes,
      restarted: this.restarted.has(job.sha256),
      errors: 0,
      closed: false
    }
    this.files.set(job.sha256, file)
    if (file.resumedBytes > 0) this.events.resumed?.(job, file.resumedBytes)
    this.advanceHash(file)
    return file
  }

  /** One connection working on one segment, with retry bookkeeping. */
  private async connection(file: OpenFile, seg: Segment): Promise<void> {
    const ac = new AbortController()
    const onAbort = (): void => ac.abort()
    this.abort.signal.addEventListener('abort', onAbort, { once: true })
    file.conns.add(ac)
    const before = seg.pos
    try {
      await this.fetchSegment(file, seg, ac.signal)
    } catch (err) {
      this.onSegmentError(file, seg, err, seg.pos - before)
    } finally {
      seg.busy = false
      file.conns.delete(ac)
      this.abort.signal.removeEventListener('abort', onAbort)
      this.maybeFinish(file)
    }
  }

  private onSegmentError(file: OpenFile, seg: Segment, err: unknown, progressed: number): void {
    // A file starting over ends its connections on purpose: their 'cancelled' is no failure.
    if (this.stopping || file.failed || file.restarting) return
    const code = (err as NodeJS.ErrnoException)?.code
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      this.stop(
        new AppError(
          'no_space',
          `disk full in ${this.opts.cache.root} while writing ${file.job.label}: the import stopped; ` +
            'every verified file is kept and partial downloads will resume once space is freed'
        )
      )
      return
    }
    if (err instanceof HttpStatus || err instanceof WrongSize) {
      if (
        err instanceof WrongSize ||
        NO_RETRY.has(err.status) ||
        (err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429)
      ) {
        // The bytes may be elsewhere (another source holding the same sha256): try that before failing.
        if (file.urlIndex + 1 < file.job.urls.length) {
          file.urlIndex++
          seg.retryAt = 0
          return
        }
        this.failFile(file, err.appError)
        return
      }
    } else if (!isRetryable(err)) {
      this.failFile(file, asAppError(err, file.job))
      return
    }
    // Progress made means the link works: a cut half-way through is not a strike against the file (a server
    // that never gets far is still bounded by the per-file error cap below).
    seg.attempts = progressed > 0 ? 1 : seg.attempts + 1
    file.errors++
    const max = this.opts.maxAttempts ?? 6
    if (seg.attempts >= max || file.errors > max * 20) {
      const last = err instanceof HttpStatus ? err.appError : asAppError(err, file.job)
      this.failFile(file, new AppError(last.code, `${last.message} (gave up after ${seg.attempts} attempts)`))
      return
    }
    const base = this.opts.backoffMs ?? 250
    const delay = Math.min(15_000, base * 2 ** (seg.attempts - 1)) * (0.75 + Math.random() / 2)
    seg.retryAt = Date.now() + delay
  }

  /**
   * Works through a segment with bounded Range requests on one (keep-alive) connection; a file fetched as one
   * stream asks for all the rest of it at once.
   */
  private async fetchSegment(file: OpenFile, seg: Segment, signal: AbortSignal): Promise<void> {
    while (seg.pos < seg.end) {
      const step = this.opts.requestBytes ?? this.requestSize.next()
      if (signal.aborted) throw new AppError('cancelled', 'cancelled')
      const url = file.job.urls[file.urlIndex]
      // Bounded requests let another connection take the rest of a segment without wasting a byte.
      const reqEnd = file.rangeOk === false ? seg.end : Math.min(seg.end, seg.pos + step)
      seg.claimed = reqEnd
      const asked = performance.now()
      const res = await this.fetch(url, {
        start: seg.pos,
        end: reqEnd,
        proxy: this.opts.proxy,
        signal,
        stallTimeoutMs: this.opts.stallTimeoutMs,
        connectTimeoutMs: this.opts.connectTimeoutMs
      })
      // Errors reach us through the iterator below; a late one (the socket dying after we let go of the
      // body) must not become an unhandled 'error' event that takes the process down.
      res.body.on('error', () => undefined)
      let limit = reqEnd
      if (res.status === 206) {
        checkContentRange(res, seg.pos, file.job)
        if (file.rangeOk === undefined) {
          file.rangeOk = true
          // Now other connections may join this file.
          queueMicrotask(() => this.pump())
        }
      } else if (res.status === 200) {
        const length = Number(res.headers['content-length'])
        if (res.headers['content-length'] !== undefined && length !== file.job.size) {
          res.body.destroy()
          throw wrongSize(file.job, res.url, length)
        }
        // A whole file from byte 0 rewrites bytes other answers wrote, and maybe hashed already. Only when
        // this connection alone ever wrote to the file can it simply rewrite it (rewind); otherwise the
        // file starts over as one stream once every connection of it has ended (no write still in flight).
        const alone = file.rangeOk !== true && file.conns.size === 1 && file.ranges.segments.length === 1
        if (!alone) {
          res.body.destroy()
          this.restartFile(file)
          throw new StartOver()
        }
        if (seg.pos > 0 || file.hasher.announced > 0) await this.rewind(file, seg)
        file.rangeOk = false
        seg.claimed = file.job.size
        limit = file.job.size
      } else if (res.status === 416) {
        // "bytes */N": the server's file ends before the byte we asked for.
        const total = /^bytes \*\/(\d+)$/.exec(String(res.headers['content-range'] ?? '').trim())
        res.body.destroy()
        if (total && Number(total[1]) !== file.job.size) throw wrongSize(file.job, res.url, Number(total[1]))
        throw new HttpStatus(res.status, httpError(res))
      } else {
        throw new HttpStatus(res.status, httpError(res))
      }
      const started = performance.now()
      const from = seg.pos
      await this.copyBody(file, seg, res, signal, limit)
      this.requestSize.observe(started - asked, seg.pos - from, performance.now() - started)
    }
  }

  /**
   * A whole-file 200 arrived after Range answers for the same file (or with other connections on it). Ends
   * its connections; when the last has ended, startOver() discards the partial and its journal and queues the
   * file again, to be fetched from scratch as one stream with a fresh hasher.
   */
  private restartFile(file: OpenFile): void {
    if (file.restarting || file.failed) return
    file.restarting = true
    this.oneStream.add(file.job.sha256)
    for (const c of file.conns) c.abort()
  }

  private async startOver(file: OpenFile): Promise<void> {
    this.events.bytes?.(file.job, -file.ranges.doneBytes)
    await this.closeFile(file, true)
    if (this.stopping) return
    this.queue.unshift(file.job)
    this.pump()
  }

  /**
   * The file's only connection gets a whole-file 200 over bytes it wrote before (a cut one-stream download, or
   * a contiguous partial of an earlier run): rewrite from byte 0, with a fresh hasher (the old one may have
   * hashed bytes about to change) and an empty journal.
   */
  private async rewind(file: OpenFile, seg: Segment): Promise<void> {
    this.events.bytes?.(file.job, -file.ranges.doneBytes)
    file.hasher.close()
    file.hasher = this.opts.hashPool.open(file.partPath)
    seg.pos = seg.start
    seg.claimed = seg.start
    file.resumedBytes = 0
    await file.journal.close()
    file.journal = await ResumeJournal.create(file.journalPath, file.job.sha256, file.ranges)
  }

  /**
   * Streams the body to disk at the segment's position, up to `limit`. Chunks are copied into one
   * 1 MiB buffer per request and written with a single positional write: far cheaper than writev of
   * many 64 KiB chunks, and no garbage per chunk.
   */
  private async copyBody(
    file: OpenFile,
    seg: Segment,
    res: HttpResponse,
    signal: AbortSignal,
    limit: number
  ): Promise<void> {
    const batch = Buffer.allocUnsafe(Math.min(WRITE_BATCH, Math.max(1, limit - seg.pos)))
    let fill = 0
    let since = 0
    const stopAt = (): number => Math.min(seg.end, limit)
    const flush = async (): Promise<void> => {
      // The segment may have been split meanwhile: write only what is still ours.
      const n = Math.min(fill, stopAt() - seg.pos)
      fill = 0
      if (n <= 0) return
      // Every write to a partial goes through here, and tells the hasher first: see FileHasher.wrote().
      file.hasher.wrote(seg.pos)
      let written = 0
      while (written < n) {
        written += (await file.fh.write(batch, written, n - written, seg.pos + written)).bytesWritten
      }
      // A split never cuts closer than the write guard to `pos`, so this stays within the segment.
      const delta = Math.min(n, seg.end - seg.pos)
      file.journal.record(seg.pos, seg.pos + delta)
      seg.pos += delta
      this.events.bytes?.(file.job, delta)
      this.advanceHash(file)
    }
    // 'data' events with explicit pause/resume rather than an async iterator: one less promise per chunk,
    // which is a good part of the CPU (and garbage) of receiving at hundreds of MB/s.
    const body = res.body
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
        body.off('data', onData)
        body.off('end', onEnd)
        body.off('error', finish)
        signal.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = (): void => finish()
      /** Copies what fits; returns the rest when the batch filled up (a write is then due). */
      const take = (chunk: Buffer): Buffer | undefined => {
        if (fill === 0) since = Date.now()
        const n = Math.min(chunk.length, batch.length - fill)
        chunk.copy(batch, fill, 0, n)
        fill += n
        return n < chunk.length ? chunk.subarray(n) : undefined
      }
      const due = (): boolean =>
        fill === batch.length || seg.pos + fill >= stopAt() || Date.now() - since >= FLUSH_MS
      const drain = async (): Promise<void> => {
        busy = true
        body.pause()
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
        if (busy) {
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
      body.on('data', onData)
      body.once('end', onEnd)
      body.once('error', finish)
      signal.addEventListener('abort', onAbort, { once: true })
      if (signal.aborted) finish()
    })
    try {
      // Bytes that arrived before a cut or a stop are good bytes: keep them for the resume.
      await flush()
    } catch (err) {
      failure ??= err
    } finally {
      body.destroy()
    }
    if (failure) throw failure
    if (signal.aborted) throw new AppError('cancelled', `cancelled fetching ${res.url}`)
    if (seg.pos < stopAt()) throw new AppError('network', `connection closed early fetching ${res.url}`)
  }

  private advanceHash(file: OpenFile): void {
    const prefix = file.ranges.contiguousPrefix()
    if (prefix - file.hasher.announced >= HASH_STEP || prefix === file.job.size) file.hasher.advance(prefix)
  }

  private maybeFinish(file: OpenFile): void {
    if (file.finishing || file.conns.size > 0) return
    if (file.restarting) {
      // No connection of the file is left, so no write is in flight: safe to discard and start over.
      file.finishing = true
      this.track(this.startOver(file))
      return
    }
    if (file.failed) {
      this.track(this.closeFile(file, file.ranges.doneBytes === 0))
      return
    }
    if (!file.ranges.complete) return
    file.finishing = true
    this.track(this.finishFile(file))
  }

  private async finishFile(file: OpenFile): Promise<void> {
    const { job } = file
    let hex: string
    try {
      await file.fh.sync()
      // No connection of the file is left, so every write has completed: the digest is that of the file as it
      // will be renamed into the cache, every byte read in order from byte 0 (why: hash-pool.ts, and every write
      // reports itself to the hasher in copyBody's flush).
      hex = await file.hasher.finish(job.size)
    } catch (err) {
      await this.closeFile(file, false)
      this.report(job, asAppError(err, job))
      return
    }
    if (hex !== job.sha256) {
      await this.closeFile(file, true)
      if (file.resumedBytes > 0 && !file.restarted && !this.stopping) {
        // The partial came from an earlier run (maybe cut short by a power loss): start it over once.
        this.events.bytes?.(job, -job.size)
        this.queue.unshift(job)
        this.restarted.add(job.sha256)
        this.pump()
        return
      }
      this.report(
        job,
        new AppError('checksum', `checksum mismatch: ${job.label} expected ${job.sha256} got ${hex}`)
      )
      return
    }
    file.closed = true
    this.files.delete(job.sha256)
    try {
      await file.journal.close()
      await file.fh.close()
      await this.opts.cache.commit(file.partPath, job.sha256)
      await removeResumeJournal(file.journalPath)
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      if (e.code === 'ENOSPC')
        this.stop(new AppError('no_space', `disk full in ${this.opts.cache.root}: ${e.message}`))
      this.report(job, asAppError(err, job))
      return
    }
    this.events.done?.(job)
  }

  private failFile(file: OpenFile, err: AppError): void {
    if (file.failed) return
    file.failed = true
    for (const c of file.conns) c.abort()
    file.failError = err
    this.maybeFinish(file)
  }

  private failJob(job: DownloadJob, err: AppError): void {
    if ((err as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOSPC') {
      this.stop(new AppError('no_space', `disk full in ${this.opts.cache.root}: ${err.message}`))
    }
    this.report(job, err)
  }

  private report(job: DownloadJob, err: AppError): void {
    this.events.failed?.(job, err)
  }

  /** Closes a file that will not finish now (failed or stopped), keeping its partial unless told not to. */
  private async closeFile(file: OpenFile, discard: boolean): Promise<void> {
    if (file.closed) return
    file.closed = true
    this.files.delete(file.job.sha256)
    file.hasher.close()
    await file.journal.close()
    await file.fh.close().catch(() => undefined)
    if (discard) await this.opts.cache.removePartial(file.job.sha256)
    if (file.failed && file.failError) this.report(file.job, file.failError)
  }

  private async closeAll(): Promise<void> {
    for (const f of [...this.files.values()]) await this.closeFile(f, false)
  }
}

/** Largest Range request: what a kill -9 can lose per connection (bytes in flight in socket buffers). */
const MAX_REQUEST = 4 << 20

/**
 * Range request size that adapts to the link: long enough that the wait for the first byte (latency)
 * costs about 1/13 of each request, short enough that little is in flight in socket buffers when the
 * process dies (those bytes are fetched again on resume). From per-request samples of the time to the
 * first byte and the per-connection rate, clamped to 2..4 MiB; 4 MiB until measured. The cap is what
 * keeps a kill -9 cheap (at most ~4 MiB per connection in flight); with 8 connections sharing one link
 * the per-request wait of one connection is mostly covered by the others.
 */
export class RequestSizer {
  private ttfbMs = 0
  private rate = 0
  private samples = 0

  observe(ttfbMs: number, bytes: number, bodyMs: number): void {
    // Tiny or cut-short answers say little about the link.
    if (bytes < 256 * 1024 || bodyMs <= 0) return
    const rate = (bytes * 1000) / bodyMs
    const a = this.samples < 4 ? 1 / (this.samples + 1) : 0.2
    this.ttfbMs += a * (ttfbMs - this.ttfbMs)
    this.rate += a * (rate - this.rate)
    this.samples++
  }

  next(): number {
    if (this.samples === 0) return 4 << 20
    const ideal = (this.rate * Math.max(1, this.ttfbMs) * 12) / 1000
    const clamped = Math.min(MAX_REQUEST, Math.max(2 << 20, ideal))
    return clamped - (clamped % (64 * 1024))
  }
}

function checkContentRange(res: HttpResponse, start: number, job: DownloadJob): void {
  const cr = res.headers['content-range']
  const m = typeof cr === 'string' ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(cr.trim()) : null
  if (m && m[3] !== '*' && Number(m[3]) !== job.size) {
    res.body.destroy()
    throw wrongSize(job, res.url, Number(m[3]))
  }
  if (!m || Number(m[1]) !== start) {
    res.body.destroy()
    throw new HttpStatus(
      502,
      new AppError(
        'http_status',
        `unexpected Content-Range "${cr ?? ''}" for ${job.label} fetching ${res.url}`
      )
    )
  }
}

function isRetryable(err: unknown): boolean {
  if (err instanceof AppError) return err.code === 'network' || err.code === 'http_status'
  const code = (err as NodeJS.ErrnoException)?.code
  return (
    typeof code === 'string' &&
    /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)$/.test(code)
  )
}

function asAppError(err: unknown, job: DownloadJob): AppError {
  if (err instanceof AppError) return err
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ENOSPC')
    return new AppError('no_space', `disk full writing ${job.label}: ${e.message}`, { cause: e })
  return new AppError('io', `${job.label}: ${e?.message ?? String(err)}`, { cause: err })
}
