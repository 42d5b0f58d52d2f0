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
    if (this.samples === 0) return MAX_REQUEST
    const ideal = (this.rate * Math.max(1, this.ttfbMs) * 12) / 1000
    const clamped = Math.min(MAX_REQUEST, Math.max(2 << 20, ideal))
    return clamped - (clamped % (64 * 1024))
  }
}
