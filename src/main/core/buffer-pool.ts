/**
 * Reused I/O buffers for work that runs several at a time (staging's writes and read-backs). A fresh 1 MiB
 * buffer per file is external memory that only a collection gives back, and with files in flight together
 * the CLI's heap governor (cli/heap-governor.ts) finds megabytes of them alive at each scavenge and answers
 * with full collections that free nothing: staging 30 files three at a time ran ten of them, 0.3-0.4 s of
 * CPU. Spares are dropped once none has been taken for a second, so a process between stagings holds none.
 */
const IDLE_MS = 1000

export class BufferPool {
  private readonly spare: Buffer[] = []
  private out = 0
  private idle: NodeJS.Timeout | undefined

  constructor(private readonly make: () => Buffer) {}

  take(): Buffer {
    this.out++
    return this.spare.pop() ?? this.make()
  }

  give(buf: Buffer): void {
    this.spare.push(buf)
    this.drop()
  }

  /**
   * A buffer taken that must not be reused: an I/O call given up on (a medium that stopped answering, a stop)
   * may still write into it, or read from it, when it returns. It is left to the collector, never given back.
   */
  drop(): void {
    this.out--
    if (this.out > 0) return
    clearTimeout(this.idle)
    this.idle = setTimeout(() => {
      if (this.out === 0) this.spare.length = 0
    }, IDLE_MS).unref()
  }

  /** spares held now (for tests) */
  get spares(): number {
    return this.spare.length
  }
}
