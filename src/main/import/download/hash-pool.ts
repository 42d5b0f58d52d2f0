/**
 * sha256 off the main thread. Each file being downloaded gets a hasher in one worker; the worker
 * reads the file's contiguous, already written prefix back from disk (the page cache) and hashes
 * it incrementally, so hashing overlaps the download, never blocks the event loop, and a resumed
 * partial is simply re-read from byte 0.
 *
 * Why a digest from finish() is the digest of the final file, every byte in order: the worker reads
 * [0, size) from the file itself, sequentially, one hash object, and only up to what it was told is
 * written (advance). Bytes it has read can change only by a write below that point; the writer reports
 * every write (wrote) before making it, and such a write marks the state stale, so finish() then starts a
 * fresh hash at byte 0 and reads the whole file back. finish() runs after the last write completed and
 * refuses a file whose size is not exactly `size`, so no byte is left out or added after the digest.
 *
 * The worker's code is an inline CommonJS string (`eval: true`) so it runs unchanged under tsx,
 * vitest and the bundled Electron main process, with no worker file for a bundler to find.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { AppError } from '@shared/errors'

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const fs = require('node:fs')
const buf = Buffer.allocUnsafe(1 << 20)
const files = new Map()
function advance(f, upTo) {
  while (f.pos < upTo) {
    const n = fs.readSync(f.fd, buf, 0, Math.min(buf.length, upTo - f.pos), f.pos)
    if (n === 0) throw new Error('file is shorter than ' + upTo + ' bytes')
    f.hash.update(n === buf.length ? buf : buf.subarray(0, n))
    f.pos += n
  }
}
function close(id) {
  const f = files.get(id)
  if (f) { try { fs.closeSync(f.fd) } catch {} files.delete(id) }
}
parentPort.on('message', (m) => {
  try {
    if (m.op === 'open') files.set(m.id, { fd: fs.openSync(m.path, 'r'), hash: createHash('sha256'), pos: 0 })
    else if (m.op === 'advance') { const f = files.get(m.id); if (f) advance(f, m.upTo) }
    else if (m.op === 'finish') {
      const f = files.get(m.id)
      if (!f) throw new Error('no such hasher')
      const size = fs.fstatSync(f.fd).size
      if (size !== m.size) {
        throw new Error('the file is ' + size + ' bytes, ' + (size < m.size ? 'shorter' : 'longer') + ' than the ' + m.size + ' expected')
      }
      // Bytes already hashed were rewritten since: hash the whole file again, from byte 0.
      if (m.fromZero) { f.hash = createHash('sha256'); f.pos = 0 }
      advance(f, m.size)
      const hex = f.hash.digest('hex')
      close(m.id)
      parentPort.postMessage({ op: 'digest', id: m.id, hex })
    } else if (m.op === 'close') close(m.id)
  } catch (err) {
    close(m.id)
    parentPort.postMessage({ op: 'error', id: m.id, message: String(err && err.message || err) })
  }
})
`

interface Pending {
  resolve(hex: string): void
  reject(err: Error): void
}

interface Slot {
  worker: Worker
  open: number
}

export class HashPool {
  private readonly slots: Slot[] = []
  private readonly pending = new Map<number, Pending>()
  private readonly failed = new Map<number, string>()
  private nextId = 1

  constructor(size = Math.max(1, Math.min(2, availableParallelism() - 1))) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // It allocates almost nothing but its messages: a young generation of 1 MiB instead of 2-4.
        resourceLimits: { maxYoungGenerationSizeMb: 1 }
      })
      worker.on('message', (m: { op: string; id: number; hex?: string; message?: string }) =>
        this.onMessage(m)
      )
      worker.on('error', (err) => this.failAll(err))
      worker.unref()
      this.slots.push({ worker, open: 0 })
    }
  }

  /** Starts hashing the file at `path` (which must exist). */
  open(path: string): FileHasher {
    const slot = this.slots.reduce((a, b) => (b.open < a.open ? b : a))
    const id = this.nextId++
    this.retain(slot)
    slot.worker.postMessage({ op: 'open', id, path })
    return new FileHasher(this, slot, id)
  }

  async destroy(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()))
    this.failAll(new Error('hash pool closed'))
  }

  /** @internal */
  post(slot: Slot, msg: object): void {
    slot.worker.postMessage(msg)
  }

  /** @internal */
  wait(id: number): Promise<string> {
    const early = this.failed.get(id)
    if (early !== undefined) {
      this.failed.delete(id)
      return Promise.reject(new AppError('io', `hashing failed: ${early}`))
    }
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }))
  }

  /** A worker with open files keeps the process alive; an idle one must not. */
  retain(slot: Slot): void {
    if (slot.open++ === 0) slot.worker.ref()
  }

  release(slot: Slot): void {
    if (--slot.open === 0) slot.worker.unref()
  }

  private onMessage(m: { op: string; id: number; hex?: string; message?: string }): void {
    const p = this.pending.get(m.id)
    if (m.op === 'digest' && p) {
      this.pending.delete(m.id)
      p.resolve(m.hex as string)
    } else if (m.op === 'error') {
      if (p) {
        this.pending.delete(m.id)
        p.reject(new AppError('io', `hashing failed: ${m.message}`))
      } else {
        // An advance failed before anyone waits; report it at finish().
        this.failed.set(m.id, m.message ?? 'unknown error')
      }
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values())
      p.reject(new AppError('internal', `hash worker failed: ${err.message}`))
    this.pending.clear()
  }
}

/** The hashing state of one file: feed it the length of the contiguous written prefix as it grows. */
export class FileHasher {
  private sent = 0
  private closed = false
  /** a write landed below `sent`: what the worker hashed may no longer be what the file holds */
  private stale = false

  constructor(
    private readonly pool: HashPool,
    private readonly slot: Slot,
    private readonly id: number
  ) {}

  /** Lets the worker hash up to `upTo` bytes; only bytes already written to disk may be announced. */
  advance(upTo: number): void {
    if (this.closed || upTo <= this.sent) return
    this.sent = upTo
    this.pool.post(this.slot, { op: 'advance', id: this.id, upTo })
  }

  /**
   * Tells the hasher a write starts at `offset` (call it before every write to the file). A write below what
   * the worker may already have hashed makes finish() hash the file again from byte 0.
   */
  wrote(offset: number): void {
    if (offset < this.sent) this.stale = true
  }

  /** How far the worker has been told it may hash. */
  get announced(): number {
    return this.sent
  }

  /**
   * Hashes the rest of the file up to `size` and returns the hex sha256 of [0, size) as the file holds it
   * now; fails when the file is not exactly `size` bytes. Call it only once every write has completed.
   */
  async finish(size: number): Promise<string> {
    if (this.closed) throw new AppError('internal', 'hasher already closed')
    this.closed = true
    this.pool.post(this.slot, { op: 'finish', id: this.id, size, fromZero: this.stale })
    try {
      return await this.pool.wait(this.id)
    } finally {
      this.pool.release(this.slot)
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.pool.post(this.slot, { op: 'close', id: this.id })
    this.pool.release(this.slot)
  }
}
