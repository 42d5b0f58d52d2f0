/**
 * One connection's work on one segment: bounded Range requests chained over keep-alive until the
 * segment is done (a file fetched as one stream asks for all the rest at once), each answer checked
 * (206 with the right Content-Range, or a whole-file 200 of the signed size) before its body is copied
 * to disk. Errors are thrown as the kinds of download-errors.ts for the retry policy to judge.
 */
import type { ProxySettings } from '@shared/types'
import { AppError } from '@shared/errors'
import { httpError } from '../../net/request'
import { asResponseBody, type ResponseBody } from '../../net/response-body'
import { copyBody } from './body-writer'
import type { DownloadFile, DownloadJob } from './download-file'
import { HttpStatus, StartOver, wrongSize } from './download-errors'
import type { Segment } from './file-ranges'
import type { RangeFetcher, RangeResponse } from './range-fetch'
import type { RequestSizer } from './request-sizer'

export interface ConnectionOptions {
  fetch: RangeFetcher
  sizer: RequestSizer
  /** fixed request size instead of the sizer's */
  requestBytes?: number
  /** connections open now, over which the sizer shares the run's kill-loss budget */
  connections(): number
  /** the file's host has more connections than its target: let the segment go after this request */
  yields(file: DownloadFile): boolean
  proxy?: Partial<ProxySettings>
  stallTimeoutMs?: number
  connectTimeoutMs?: number
  /** the roots of the import's local mirrors (see RangeRequest) */
  localRoots?: readonly string[]
  /** the first 206 of the file: other connections may now join it */
  rangeConfirmed(file: DownloadFile): void
  /** a whole-file 200 over other connections' bytes: the file must start over once they end */
  restart(file: DownloadFile): void
}

export async function fetchSegment(
  file: DownloadFile,
  seg: Segment,
  signal: AbortSignal,
  opts: ConnectionOptions
): Promise<void> {
  const { job } = file
  while (seg.pos < seg.end) {
    const step = opts.requestBytes ?? opts.sizer.next(opts.connections())
    if (signal.aborted) throw new AppError('cancelled', 'cancelled')
    const url = job.urls[file.urlIndex]
    // Bounded requests let another connection take the rest of a segment without wasting a byte.
    const reqEnd = file.rangeOk === false ? seg.end : Math.min(seg.end, seg.pos + step)
    seg.claimed = reqEnd
    const asked = performance.now()
    const answer = await opts.fetch(url, {
      start: seg.pos,
      end: reqEnd,
      proxy: opts.proxy,
      signal,
      stallTimeoutMs: opts.stallTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs,
      localRoots: opts.localRoots
    })
    // One shape for every body (undici's, a local file's Readable); a Readable's late 'error' (the file
    // closing after we let go of it) is caught by the adapter, never an unhandled event.
    const res = { ...answer, body: asResponseBody(answer.body) }
    let limit = reqEnd
    if (res.status === 206) {
      checkContentRange(res, seg.pos, job)
      if (file.rangeOk === undefined) {
        file.rangeOk = true
        opts.rangeConfirmed(file)
      }
    } else if (res.status === 200) {
      const length = Number(res.headers['content-length'])
      if (res.headers['content-length'] !== undefined && length !== job.size) {
        res.body.destroy()
        throw wrongSize(job, res.url, length)
      }
      // A whole file from byte 0 rewrites bytes other answers wrote, and maybe hashed already. Only when
      // this connection alone ever wrote to the file can it simply rewrite it (rewind); otherwise the
      // file starts over as one stream once every connection of it has ended (no write still in flight).
      const alone = file.rangeOk !== true && file.conns.size === 1 && file.ranges.segments.length === 1
      if (!alone) {
        res.body.destroy()
        opts.restart(file)
        throw new StartOver()
      }
      if (seg.pos > 0 || file.hashAnnounced > 0) await file.rewind(seg)
      file.rangeOk = false
      seg.claimed = job.size
      limit = job.size
    } else if (res.status === 416) {
      // "bytes */N": the server's file ends before the byte we asked for.
      const total = /^bytes \*\/(\d+)$/.exec(String(res.headers['content-range'] ?? '').trim())
      res.body.destroy()
      if (total && Number(total[1]) !== job.size) throw wrongSize(job, res.url, Number(total[1]))
      throw new HttpStatus(res.status, httpError(res))
    } else {
      throw new HttpStatus(res.status, httpError(res))
    }
    const started = performance.now()
    const from = seg.pos
    await copyBody(file, seg, res, signal, limit)
    opts.sizer.observe(started - asked, seg.pos - from, performance.now() - started)
    // Released idle, the rest of the segment goes to whichever connection its host has room for next.
    if (seg.pos < seg.end && file.rangeOk === true && opts.yields(file)) return
  }
}

function checkContentRange(
  res: RangeResponse & { body: ResponseBody },
  start: number,
  job: DownloadJob
): void {
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
