/**
 * Fetches a set of blobs into the cache over connections adapted per host: it owns the queue, the open
 * files and the connection count. (Just over 400 lines: the pump, stop and retry timer share the same
 * counters, and splitting them apart again would spread one invariant, "nothing runs and nothing is armed
 * means done", over several files.) Each other job has its own module, as aria2 separates its
 * request group manager, segment manager, per-connection command and disk writer:
 *
 * - work-picker.ts: what a free connection does next (resume a segment, open the next file, largest
 *   first, or split the largest in-flight segment), so every connection stays busy until the end.
 * - download-file.ts: one file's partial, resume journal and hasher; verified (size and sha256) before
 *   it enters the cache.
 * - range-connection.ts: one connection's Range requests and answer checks. A wrong size fails the file
 *   at once; a whole-file 200 after Range answers makes it start over as one stream (restartFile here).
 * - body-writer.ts: positional writes, 256 KiB buffered per connection (buffers reused), each journalled for resume.
 * - host-connections.ts + concurrency-controller.ts: how many connections each host gets, adapted to the
 *   throughput they bring, capped by the connections setting.
 * - request-sizer.ts: how much one Range request asks for: from latency, and within the run's kill-loss budget.
 * - retry-policy.ts: backoff for network errors, 5xx and stalls; other 4xx try the next URL, then fail.
 * - download-errors.ts: the kinds of failure, and isDiskFull, the one test for a full disk (it stops the run).
 */
import { setMaxListeners } from 'node:events'
import type { ProxySettings } from '@shared/types'
import { AppError } from '@shared/errors'
import type { BlobCache } from '../../library/blob-cache'
import { DownloadFile, type DownloadJob } from './download-file'
import { asAppError, diskFullStop, isDiskFull } from './download-errors'
import { stalled } from '../../net/local-file'
import type { Segment } from './file-ranges'
import type { HashPool } from './hash-pool'
import { fetchRange, type RangeFetcher } from './range-fetch'
import { fetchSegment, type ConnectionOptions } from './range-connection'
import { START } from './concurrency-controller'
import { HostConnections, hostKey } from './host-connections'
import { killLossBudget, MIN_REQUEST, RequestSizer } from './request-sizer'
import { retryDecision } from './retry-policy'
import { currentUrl, earliestRetry, nextWork, type Work } from './work-picker'

/** How often each host's throughput is sampled for its concurrency controller. */
const SAMPLE_MS = 250

export type { DownloadJob } from './download-file'

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
  /**
   * most connections per host. Each host starts with min(this, 8) and gets more while more raise its
   * throughput (concurrency-controller.ts). Above 8 only as many as the run's kill-loss budget holds requests
   * of MIN_REQUEST for (request-sizer.ts): a small run gains little from more and would lose more on a kill.
   */
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
  /** the roots of the import's local mirrors: file: URLs are read only under them (see RangeRequest) */
  localRoots?: readonly string[]
}

export interface DownloadOutcome {
  /** set when the whole run stopped early: disk full, or a stop request */
  fatal?: AppError
  stopped: boolean
}

export class Downloader {
  private readonly queue: DownloadJob[]
  private readonly files = new Map<string, DownloadFile>()
  private readonly tasks = new Set<Promise<void>>()
  private readonly abort = new AbortController()
  private readonly connectionOptions: ConnectionOptions
  /** files already started over once after a checksum mismatch of a resumed partial */
  private readonly restarted = new Set<string>()
  /** files started over after a whole-file 200 followed Range answers: fetched as one stream from now on */
  private readonly oneStream = new Set<string>()
  private active = 0
  private readonly hosts: HostConnections
  private sampler: NodeJS.Timeout | undefined
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
    const budget = killLossBudget(jobs.reduce((n, j) => n + j.size, 0))
    const cap = Math.max(1, Math.min(opts.connections, Math.max(START, Math.floor(budget / MIN_REQUEST))))
    this.hosts = new HostConnections(cap)
    // Every open connection listens on the run's signal (removed when it ends), so more than Node's default
    // of 10 is normal here: up to the cap per host. Without this an import with 16 connections printed
    // "MaxListenersExceededWarning: Possible EventTarget memory leak" on the admin's terminal.
    setMaxListeners(0, this.abort.signal)
    this.connectionOptions = {
      fetch: opts.fetch ?? fetchRange,
      sizer: new RequestSizer(budget),
      requestBytes: opts.requestBytes,
      connections: () => this.active,
      // A host over its target (a raise that did not pay) gives connections back between requests.
      yields: (file) => this.hosts.overTarget(hostKey(currentUrl(file))),
      proxy: opts.proxy,
      stallTimeoutMs: opts.stallTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs,
      localRoots: opts.localRoots,
      // Now other connections may join this file.
      rangeConfirmed: () => queueMicrotask(() => this.pump()),
      restart: (file) => this.restartFile(file)
    }
  }

  async run(): Promise<DownloadOutcome> {
    const onAbort = (): void => this.stop()
    if (this.opts.signal?.aborted) this.stop()
    this.opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (this.hosts.adapting) {
      this.sampler = setInterval(() => {
        if (this.hosts.sample()) this.pump()
        if (!this.hosts.adapting) clearInterval(this.sampler)
      }, SAMPLE_MS)
      this.sampler.unref()
    }
    try {
      this.pump()
      await this.done
      // Let finishing files (hash, fsync, rename) complete even when stopping.
      while (this.tasks.size) await Promise.allSettled([...this.tasks])
      await this.closeAll()
    } finally {
      if (this.retryTimer) clearTimeout(this.retryTimer)
      clearInterval(this.sampler)
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

  /** The one reaction to a full disk, wherever it shows: stop the whole run, keeping what is verified. */
  private diskFull(job: DownloadJob, err: unknown): void {
    this.stop(diskFullStop(this.opts.cache.root, job.label, err))
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
    const minSplit = this.opts.minSplitBytes ?? 4 << 20
    for (;;) {
      const work = nextWork([...this.files.values()], this.queue, now, minSplit, this.room)
      if (!work) break
      // Counted against the host it starts on, even if the file moves on to its next URL meanwhile.
      const host = hostKey(work.kind === 'open' ? work.job.urls[0] : currentUrl(work.file))
      this.active++
      this.hosts.begin(host)
      this.track(
        this.runWork(work).finally(() => {
          this.active--
          this.hosts.end(host)
          this.pump()
        })
      )
    }
    this.scheduleRetry(now)
    this.settle()
  }

  private readonly room = (url: string | undefined): boolean => this.hosts.room(hostKey(url))

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

  /** Arms the timer that pumps when the earliest backoff ends, `now` being the reading nextWork judged by. */
  private scheduleRetry(now: number): void {
    if (this.stopping) return
    const t = earliestRetry(this.files.values(), now, this.room)
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
      let file: DownloadFile
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

  private async openFile(job: DownloadJob): Promise<DownloadFile> {
    const file = await DownloadFile.open(job, {
      cache: this.opts.cache,
      hashPool: this.opts.hashPool,
      oneStream: this.oneStream.has(job.sha256),
      restarted: this.restarted.has(job.sha256),
      onBytes: (delta) => {
        this.hosts.received(hostKey(job.urls[this.files.get(job.sha256)?.urlIndex ?? 0]), delta)
        this.events.bytes?.(job, delta)
      }
    })
    this.files.set(job.sha256, file)
    if (file.resumedBytes > 0) this.events.resumed?.(job, file.resumedBytes)
    return file
  }

  /** One connection working on one segment, with retry bookkeeping. */
  private async connection(file: DownloadFile, seg: Segment): Promise<void> {
    const ac = new AbortController()
    const onAbort = (): void => ac.abort()
    this.abort.signal.addEventListener('abort', onAbort, { once: true })
    file.conns.add(ac)
    const before = seg.pos
    try {
      await fetchSegment(file, seg, ac.signal, this.connectionOptions)
    } catch (err) {
      this.onSegmentError(file, seg, err, seg.pos - before)
    } finally {
      seg.busy = false
      file.conns.delete(ac)
      this.abort.signal.removeEventListener('abort', onAbort)
      this.maybeFinish(file)
    }
  }

  private onSegmentError(file: DownloadFile, seg: Segment, err: unknown, progressed: number): void {
    // A file starting over ends its connections on purpose: their 'cancelled' is no failure.
    if (this.stopping || file.failed || file.restarting) return
    if (isDiskFull(err)) {
      this.diskFull(file.job, err)
      return
    }
    // A local mirror's stick that stopped answering keeps each read sent to it, and a thread with it: the
    // whole import stops rather than sending it more.
    const hung = stalled(err)
    if (hung) {
      this.stop(new AppError('io', `${hung.message}; the import stopped`, { cause: err }))
      return
    }
    const decision = retryDecision({
      err,
      job: file.job,
      urlIndex: file.urlIndex,
      attempts: seg.attempts,
      progressed,
      fileErrors: file.errors,
      maxAttempts: this.opts.maxAttempts ?? 6,
      backoffMs: this.opts.backoffMs ?? 250,
      now: Date.now(),
      random: Math.random()
    })
    if (decision.action === 'next-url') {
      file.urlIndex++
      seg.retryAt = 0
    } else if (decision.action === 'fail') {
      this.failFile(file, decision.error)
    } else {
      seg.attempts = decision.attempts
      file.errors = decision.fileErrors
      seg.retryAt = decision.retryAt
    }
  }

  /**
   * A whole-file 200 arrived after Range answers for the same file (or with other connections on it). Ends
   * its connections; when the last has ended, startOver() discards the partial and its journal and queues the
   * file again, to be fetched from scratch as one stream with a fresh hasher.
   */
  private restartFile(file: DownloadFile): void {
    if (file.restarting || file.failed) return
    file.restarting = true
    this.oneStream.add(file.job.sha256)
    for (const c of file.conns) c.abort()
  }

  private async startOver(file: DownloadFile): Promise<void> {
    this.events.bytes?.(file.job, -file.ranges.doneBytes)
    await this.closeFile(file, true)
    if (this.stopping) return
    this.queue.unshift(file.job)
    this.pump()
  }

  private maybeFinish(file: DownloadFile): void {
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

  private async finishFile(file: DownloadFile): Promise<void> {
    const { job } = file
    let hex: string
    try {
      // No connection of the file is left, so every write has completed: the digest is that of the file as it
      // will be renamed into the cache, every byte read in order from byte 0 (why: hash-pool.ts, and every write
      // reports itself to the hasher in DownloadFile.write).
      hex = await file.digest()
    } catch (err) {
      await this.closeFile(file, false)
      this.failJob(job, asAppError(err, job))
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
    this.files.delete(job.sha256)
    try {
      await file.commit()
    } catch (err) {
      this.failJob(job, asAppError(err, job))
      return
    }
    this.events.done?.(job)
  }

  private failFile(file: DownloadFile, err: AppError): void {
    if (file.failed) return
    file.failed = true
    for (const c of file.conns) c.abort()
    file.failError = err
    this.maybeFinish(file)
  }

  /** A file failed outside any connection (opening, hashing, committing); a full disk stops the run. */
  private failJob(job: DownloadJob, err: AppError): void {
    if (isDiskFull(err)) this.diskFull(job, err)
    this.report(job, err)
  }

  private report(job: DownloadJob, err: AppError): void {
    this.events.failed?.(job, err)
  }

  /** Closes a file that will not finish now (failed or stopped), keeping its partial unless told not to. */
  private async closeFile(file: DownloadFile, discard: boolean): Promise<void> {
    if (file.closed) return
    this.files.delete(file.job.sha256)
    await file.close(discard)
    if (file.failed && file.failError) this.report(file.job, file.failError)
  }

  private async closeAll(): Promise<void> {
    for (const f of [...this.files.values()]) await this.closeFile(f, false)
  }
}
