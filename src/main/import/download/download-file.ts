/**
 * One file being downloaded: its partial on disk, its resume journal, its hasher and which byte
 * ranges are done, plus the state the scheduler and the connections share about it (does the server
 * honour Range, which URL is in use, is it failing, finishing or starting over).
 *
 * The digest invariant lives here: every write to the partial goes through write(), which tells the
 * hasher first (FileHasher.wrote), and the hasher is only ever advanced over the contiguous written
 * prefix. So the digest from verify() is that of the file as it will be renamed into the cache, every
 * byte read in order by one hasher (why: hash-pool.ts).
 */
import { open, type FileHandle } from 'node:fs/promises'
import type { AppError } from '@shared/errors'
import type { BlobCache } from '../../library/blob-cache'
import type { SegmentSink } from './body-writer'
import { FileRanges, type Segment } from './file-ranges'
import type { FileHasher, HashPool } from './hash-pool'
import { loadResumeJournal, removeResumeJournal, ResumeJournal } from './resume-journal'

export interface DownloadJob {
  sha256: string
  size: number
  urls: string[]
  /** "<product> <item>", for messages */
  label: string
}

/** The hasher is told to go on every this many bytes of written prefix (and at the end). */
const HASH_STEP = 4 << 20

export interface OpenOptions {
  cache: BlobCache
  hashPool: HashPool
  /** fetch it as one stream (a server that answered 200 after 206 for it) */
  oneStream: boolean
  /** it was started over once already after a checksum mismatch of a resumed partial */
  restarted: boolean
  /** newly written bytes */
  onBytes(delta: number): void
}

export class DownloadFile implements SegmentSink {
  /** learnt from the first answer: 206 yes, 200 no; false from the start for a file fetched as one stream */
  rangeOk: boolean | undefined
  readonly conns = new Set<AbortController>()
  urlIndex = 0
  failed = false
  failError?: AppError
  finishing = false
  /** a whole-file 200 came after Range answers: once its connections end, the file starts over */
  restarting = false
  /** failed attempts over all its segments: bounds a server that never gets far */
  errors = 0
  closed = false
  /** bytes found on disk at open: a checksum mismatch then earns one fresh start */
  resumedBytes: number

  private constructor(
    readonly job: DownloadJob,
    readonly ranges: FileRanges,
    private readonly fh: FileHandle,
    private hasher: FileHasher,
    private journal: ResumeJournal,
    private readonly opts: OpenOptions
  ) {
    this.rangeOk = opts.oneStream ? false : undefined
    this.resumedBytes = ranges.doneBytes
  }

  /** Opens the partial, resuming what its journal proves is on disk, or starts it empty. */
  static async open(job: DownloadJob, opts: OpenOptions): Promise<DownloadFile> {
    const { cache } = opts
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
    const file = new DownloadFile(job, ranges, fh, opts.hashPool.open(partPath), journal, opts)
    file.advanceHash()
    return file
  }

  get restarted(): boolean {
    return this.opts.restarted
  }

  /** Neither failed, finishing nor starting over: connections may work on it. */
  get workable(): boolean {
    return !this.failed && !this.finishing && !this.restarting
  }

  /** Until the first answer says whether Range works, one connection per file. */
  get takesAnotherConnection(): boolean {
    return this.rangeOk === true || this.conns.size === 0
  }

  async write(buf: Buffer, n: number, pos: number): Promise<void> {
    // Every write to a partial goes through here, and tells the hasher first: see FileHasher.wrote().
    this.hasher.wrote(pos)
    let done = 0
    while (done < n) done += (await this.fh.write(buf, done, n - done, pos + done)).bytesWritten
  }

  written(pos: number, n: number): void {
    this.journal.record(pos, pos + n)
    this.opts.onBytes(n)
    this.advanceHash()
  }

  /** How far the hasher has been told to go. */
  get hashAnnounced(): number {
    return this.hasher.announced
  }

  private advanceHash(): void {
    const prefix = this.ranges.contiguousPrefix()
    if (prefix - this.hasher.announced >= HASH_STEP || prefix === this.job.size) this.hasher.advance(prefix)
  }

  /**
   * The file's only connection got a whole-file 200 over bytes it wrote before (a cut one-stream download,
   * or a contiguous partial of an earlier run): rewrite from byte 0, with a fresh hasher (the old one may
   * have hashed bytes about to change) and an empty journal.
   */
  async rewind(seg: Segment): Promise<void> {
    this.opts.onBytes(-this.ranges.doneBytes)
    this.hasher.close()
    this.hasher = this.opts.hashPool.open(this.opts.cache.partPath(this.job.sha256))
    seg.pos = seg.start
    seg.claimed = seg.start
    this.resumedBytes = 0
    await this.journal.close()
    this.journal = await ResumeJournal.create(
      this.opts.cache.journalPath(this.job.sha256),
      this.job.sha256,
      this.ranges
    )
  }

  /**
   * fsyncs the partial and returns its sha256. Only once no connection of the file is left, so every write
   * has completed and reported itself to the hasher.
   */
  async digest(): Promise<string> {
    await this.fh.sync()
    return this.hasher.finish(this.job.size)
  }

  /** Moves the verified partial into the cache and drops its journal. */
  async commit(): Promise<void> {
    this.closed = true
    await this.journal.close()
    await this.fh.close()
    await this.opts.cache.commit(this.opts.cache.partPath(this.job.sha256), this.job.sha256)
    await removeResumeJournal(this.opts.cache.journalPath(this.job.sha256))
  }

  /** Closes a file that will not finish now (failed or stopped), keeping its partial unless told not to. */
  async close(discard: boolean): Promise<void> {
    this.closed = true
    this.hasher.close()
    await this.journal.close()
    await this.fh.close().catch(() => undefined)
    if (discard) await this.opts.cache.removePartial(this.job.sha256)
  }
}
