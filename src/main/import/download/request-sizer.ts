/** Largest Range request: what a kill -9 can lose per connection (bytes in flight in socket buffers). */
const MAX_REQUEST = 4 << 20
/** Smallest Range request the kill-loss budget may ask for: below it per-request overhead dominates. */
export const MIN_REQUEST = 256 << 10
/** Share of a run's bytes a kill -9 may cost (fetched again on resume), summed over its connections. */
export const KILL_LOSS_SHARE = 0.015
/** The budget of a small run: what 8 connections of MIN_REQUEST hold, so a few-MB run is not cut into crumbs. */
const MIN_BUDGET = 8 * MIN_REQUEST

/**
 * What a kill -9 may cost a run of `totalBytes`, in bytes: every byte a server has sent but the journal
 * has not recorded is fetched again. A server writes a whole Range answer into socket buffers as soon as
 * it is asked (megabytes on loopback, a bandwidth-delay product on a WAN), so the bytes at risk are about
 * connections x request size: the request size must shrink as connections grow, and with the run.
 */
export function killLossBudget(totalBytes: number): number {
  return Math.max(MIN_BUDGET, totalBytes * KILL_LOSS_SHARE)
}

/**
 * Range request size that adapts to the link: long enough that the wait for the first byte (latency)
 * costs about 1/13 of each request, short enough that little is in flight in socket buffers when the
 * process dies (those bytes are fetched again on resume). From per-request samples of the time to the
 * first byte and the per-connection rate, clamped to 2..4 MiB; 4 MiB until measured.
 *
 * With a kill-loss budget (killLossBudget), each of `connections` gets at most its share of it, but never
 * less than MIN_REQUEST: the connections then hide each other's waits, and the concurrency controller adds
 * connections when requests this short leave each one idle part of the time (and opens more than 8 only when
 * their MIN_REQUESTs fit the budget: see Downloader).
 */
export class RequestSizer {
  private ttfbMs = 0
  private rate = 0
  private samples = 0

  constructor(private readonly lossBudget = Infinity) {}

  observe(ttfbMs: number, bytes: number, bodyMs: number): void {
    // Tiny or cut-short answers say little about the link.
    if (bytes < 256 * 1024 || bodyMs <= 0) return
    const rate = (bytes * 1000) / bodyMs
    const a = this.samples < 4 ? 1 / (this.samples + 1) : 0.2
    this.ttfbMs += a * (ttfbMs - this.ttfbMs)
    this.rate += a * (rate - this.rate)
    this.samples++
  }

  /** Bytes the next request of one of `connections` should ask for. */
  next(connections = 1): number {
    const share = align(Math.max(MIN_REQUEST, this.lossBudget / Math.max(1, connections)))
    return Math.min(this.forLatency(), share)
  }

  private forLatency(): number {
    if (this.samples === 0) return MAX_REQUEST
    const ideal = (this.rate * Math.max(1, this.ttfbMs) * 12) / 1000
    return align(Math.min(MAX_REQUEST, Math.max(2 << 20, ideal)))
  }
}

function align(n: number): number {
  return n === Infinity ? n : n - (n % (64 * 1024))
}
