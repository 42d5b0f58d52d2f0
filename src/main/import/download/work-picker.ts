/**
 * What a free connection does next, the choice aria2's segment manager makes: resume an idle segment
 * of an open file; else open the next queued file (the queue is largest first); else split the
 * largest in-flight segment so every connection stays busy until the last byte.
 */
import { WRITE_GUARD } from './body-writer'
import type { DownloadFile, DownloadJob } from './download-file'
import type { Segment } from './file-ranges'

export type Work = { kind: 'open'; job: DownloadJob } | { kind: 'segment'; file: DownloadFile; seg: Segment }

/** The URL a file is fetched from now. */
export function currentUrl(f: DownloadFile): string | undefined {
  return f.job.urls[f.urlIndex]
}

/**
 * Takes the work (marks a segment busy, or removes the job from the queue); `now` judges which backoffs are
 * over. `room(url)` says whether the host of `url` may have another connection: work for a full host waits.
 */
export function nextWork(
  // An array, not any iterable: it is walked twice, and a Map iterator would be spent by the first walk
  // (which is how splitting once silently never happened).
  files: readonly DownloadFile[],
  queue: DownloadJob[],
  now: number,
  minSplit: number,
  room: (url: string | undefined) => boolean = () => true
): Work | undefined {
  for (const f of files) {
    if (!f.workable || !f.takesAnotherConnection || !room(currentUrl(f))) continue
    const seg = f.ranges.takeIdle(now)
    if (seg) return { kind: 'segment', file: f, seg }
  }
  const i = queue.findIndex((j) => room(j.urls[0]))
  if (i >= 0) return { kind: 'open', job: queue.splice(i, 1)[0] }
  let best: { file: DownloadFile; seg: Segment; at: number } | undefined
  for (const f of files) {
    if (!f.workable || f.rangeOk !== true || !room(currentUrl(f))) continue
    const cand = f.ranges.largestSplittable(minSplit, WRITE_GUARD)
    if (cand && (!best || cand.seg.end - cand.at > best.seg.end - best.at)) best = { file: f, ...cand }
  }
  if (best) return { kind: 'segment', file: best.file, seg: best.file.ranges.split(best.seg, best.at) }
  return undefined
}

/**
 * When the earliest backoff a pump must wake for ends. A segment already due counts only when a
 * connection to its host is free (as when nothing runs): then nothing else would pump for it. One waiting on a busy
 * connection (all taken, or the file's first answer still out) is left to that connection's end.
 */
export function earliestRetry(
  files: Iterable<DownloadFile>,
  now: number,
  room: (url: string | undefined) => boolean
): number | undefined {
  let t: number | undefined
  for (const f of files) {
    if (!f.workable || !f.takesAnotherConnection) continue
    const r = f.ranges.nextRetryAt()
    if (r === undefined || (r <= now && !room(currentUrl(f)))) continue
    t = t === undefined ? r : Math.min(t, r)
  }
  return t
}
