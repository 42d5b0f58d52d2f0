import { Transform, type TransformCallback } from 'node:stream'

/**
 * Token bucket: `rate` bytes per second with a burst of a tenth of a second, so a capped connection moves
 * smoothly instead of in one-second lumps.
 */
export class TokenBucket {
  private tokens: number
  private last = Date.now()

  constructor(public rate: number) {
    this.tokens = this.burst()
  }

  private burst(): number {
    return Math.max(1024, this.rate / 10)
  }

  /** ms to wait before `n` bytes may be sent; reserves them. */
  reserve(n: number): number {
    const now = Date.now()
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
    this.tokens -= n
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000)
  }
}

/**
 * Passes bytes through at most as fast as `bucket()` allows, and none while `held()` (a peer that has hung);
 * the getters let both change at runtime.
 */
export class Throttle extends Transform {
  constructor(
    private readonly bucket: () => TokenBucket | undefined,
    private readonly held: () => boolean = () => false
  ) {
    super()
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    void this.send(chunk).then(() => done(), done)
  }

  private async send(chunk: Buffer): Promise<void> {
    let offset = 0
    while (offset < chunk.length) {
      while (this.held() && !this.destroyed) await new Promise((r) => setTimeout(r, 20))
      if (this.destroyed) return
      const b = this.bucket()
      if (!b) {
        this.push(offset === 0 ? chunk : chunk.subarray(offset))
        return
      }
      const piece = chunk.subarray(offset, offset + Math.max(1024, Math.floor(b.rate / 20)))
      const wait = b.reserve(piece.length)
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      if (this.destroyed) return
      this.push(piece)
      offset += piece.length
    }
  }
}
