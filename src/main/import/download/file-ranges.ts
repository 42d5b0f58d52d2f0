/**
 * Which byte ranges of one file are done, in flight or still missing. Segments tile [0, size)
 * exactly; each has a write position `pos` (bytes before it are on disk). Splitting the largest
 * in-flight segment hands its second half to an idle connection, as aria2 does, so every
 * connection stays busy until the last byte. The resume journal stores the written ranges of the tiling
 * (writtenRanges), and fromCovered rebuilds a tiling from them.
 */

export interface Segment {
  start: number
  /** exclusive; may shrink while a connection works on it (when it is split) */
  end: number
  /** next byte to write: [start, pos) is on disk */
  pos: number
  busy: boolean
  /** end of the byte range the owning connection has asked the server for (bytes up to it are on the way) */
  claimed: number
  /** epoch ms before which a failed segment is not retried */
  retryAt: number
  attempts: number
}

/** [start, end, pos] of one segment */
type SegmentBounds = [start: number, end: number, pos: number]

/** Splits land on 64 KiB boundaries: aligned writes, and no pointless tiny pieces. */
const ALIGN = 64 * 1024

export class FileRanges {
  segments: Segment[]

  constructor(
    readonly size: number,
    saved?: readonly SegmentBounds[]
  ) {
    if (saved) {
      this.segments = saved.map(([start, end, pos]) => seg(start, end, pos))
    } else {
      this.segments = size > 0 ? [seg(0, size, 0)] : []
    }
  }

  /** Tiles [0, size) from the ranges known to be written: done segments for them, empty ones for the gaps. */
  static fromCovered(size: number, covered: ReadonlyArray<readonly [number, number]>): FileRanges {
    const sorted = [...covered].sort((x, y) => x[0] - y[0])
    const out: SegmentBounds[] = []
    let cursor = 0
    for (const [a, b] of sorted) {
      if (b <= cursor) continue
      const start = Math.max(a, cursor)
      if (start > cursor) out.push([cursor, start, cursor])
      const last = out[out.length - 1]
      // Merge with a touching done segment.
      if (last && last[2] === last[1] && last[1] === start) {
        last[1] = b
        last[2] = b
      } else {
        out.push([start, b, b])
      }
      cursor = b
    }
    if (cursor < size) out.push([cursor, size, cursor])
    return new FileRanges(size, out)
  }

  /** The byte ranges written so far, merged. */
  writtenRanges(): Array<[number, number]> {
    const out: Array<[number, number]> = []
    for (const s of this.segments) {
      if (s.pos === s.start) continue
      const last = out[out.length - 1]
      if (last && last[1] === s.start) last[1] = s.pos
      else out.push([s.start, s.pos])
    }
    return out
  }

  get doneBytes(): number {
    let n = 0
    for (const s of this.segments) n += s.pos - s.start
    return n
  }

  get complete(): boolean {
    return this.segments.every((s) => s.pos === s.end)
  }

  /** Highest written offset: a partial file shorter than this does not hold what the resume journal claims. */
  get highestWritten(): number {
    let n = 0
    for (const s of this.segments) if (s.pos > s.start) n = Math.max(n, s.pos)
    return n
  }

  /** Length of the written prefix [0, n): what may be hashed. */
  contiguousPrefix(): number {
    let n = 0
    for (const s of this.segments) {
      if (s.start !== n) break
      n = s.pos
      if (s.pos !== s.end) break
    }
    return n
  }

  /** The first unfinished segment no connection works on (and not waiting out a backoff); marks it busy. */
  takeIdle(now = Date.now()): Segment | undefined {
    for (const s of this.segments) {
      if (!s.busy && s.pos < s.end && s.retryAt <= now) {
        s.busy = true
        return s
      }
    }
    return undefined
  }

  /** Earliest retry time of an idle unfinished segment, if any waits. */
  nextRetryAt(): number | undefined {
    let t: number | undefined
    for (const s of this.segments) {
      if (!s.busy && s.pos < s.end) t = t === undefined ? s.retryAt : Math.min(t, s.retryAt)
    }
    return t
  }

  /** The busy segment whose split hands over the most bytes, if any split is worth it. */
  largestSplittable(minSplit: number, guard: number): { seg: Segment; at: number } | undefined {
    let best: { seg: Segment; at: number } | undefined
    for (const s of this.segments) {
      if (!s.busy) continue
      const at = splitPoint(s, minSplit, guard)
      if (at !== undefined && (!best || s.end - at > best.seg.end - best.at)) best = { seg: s, at }
    }
    return best
  }

  /** Gives [at, end) of `s` to a new busy segment; the owner of `s` stops at the new `s.end`. */
  split(s: Segment, at: number): Segment {
    const tail = seg(at, s.end, at)
    tail.busy = true
    s.end = at
    this.segments.splice(this.segments.indexOf(s) + 1, 0, tail)
    return tail
  }
}

/**
 * Where to cut a busy segment so that both parts get at least `minSplit` bytes: in the middle when
 * the owner's current request ends before it; else at the end of that request (no requested byte is
 * wasted); else, wasting the rest of the request, no closer than `guard` to the write position, where
 * buffered bytes are about to land.
 */
export function splitPoint(s: Segment, minSplit: number, guard: number): number | undefined {
  const align = (n: number): number => n - (n % ALIGN)
  const half = align(s.pos + Math.ceil((s.end - s.pos) / 2))
  // 1. The middle, when the owner's current request ends before it: nothing is wasted.
  if (half >= s.claimed && half - s.pos >= minSplit && s.end - half >= minSplit) return half
  // 2. The end of the owner's current request: nothing is wasted, the tail is just smaller.
  if (s.claimed > s.pos && s.end - s.claimed >= minSplit) return s.claimed
  // 3. Inside the current request, past the guard; the rest of that request is thrown away.
  const at = Math.max(half, align(s.pos + guard) + ALIGN)
  if (s.end - at >= minSplit) return at
  return undefined
}

function seg(start: number, end: number, pos: number): Segment {
  return { start, end, pos, busy: false, claimed: pos, retryAt: 0, attempts: 0 }
}
