/**
 * Fires `onStall` when no progress was reported for `ms`. A stream the consumer is not reading (backpressure)
 * is not stalled, so `isPaused` lets the owner exempt that time: a slow disk must not abort a healthy download.
 */
export class Watchdog {
  private last = Date.now()
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly ms: number,
    private readonly onStall: (idleMs: number) => void,
    private readonly isPaused: () => boolean = () => false
  ) {}

  start(): void {
    this.last = Date.now()
    this.arm(this.ms)
  }

  kick(): void {
    this.last = Date.now()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(delay: number): void {
    this.stop()
    if (!(this.ms > 0) || !Number.isFinite(this.ms)) return
    this.timer = setTimeout(() => this.check(), Math.max(1, delay))
    // The socket keeps the process alive while a request is open; the watchdog never should.
    this.timer.unref()
  }

  private check(): void {
    const now = Date.now()
    if (this.isPaused()) this.last = now
    const idle = now - this.last
    if (idle >= this.ms) {
      this.timer = undefined
      this.onStall(idle)
      return
    }
    this.arm(this.ms - idle)
  }
}
