import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { copyBody, WRITE_BATCH, type SegmentSink } from '../../src/main/import/download/body-writer'
import type { Segment } from '../../src/main/import/download/file-ranges'
import { DownloadFile } from '../../src/main/import/download/download-file'
import { HashPool, LEND_SLOT, MAX_LENT } from '../../src/main/import/download/hash-pool'
import { BlobCache } from '../../src/main/library/blob-cache'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hash-lend-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** A write batch holding a copy of `bytes`. */
const batchOf = (bytes: Buffer): Buffer => Buffer.from(bytes)

describe('hashing lent batches from memory', () => {
  it('hashes batches lent where the hash is and reads back the gaps', async () => {
    const pool = new HashPool(1)
    const data = randomBytes(3 * 1024 * 1024 + 17)
    const path = join(dir, 'f')
    await writeFile(path, data)
    const h = pool.open(path)
    expect(h.lend(batchOf(data.subarray(0, 100_000)), 100_000, 0)).toBe(true)
    // [100000, 1000000) comes from the file, then a batch continues right after it.
    h.advance(1_000_000)
    expect(h.lend(batchOf(data.subarray(1_000_000, 1_250_000)), 250_000, 1_000_000)).toBe(true)
    expect(h.announced).toBe(1_250_000)
    // Larger than a lending slot: read back instead.
    const big = batchOf(data.subarray(1_250_000, 1_250_000 + LEND_SLOT + 1))
    expect(h.lend(big, big.length, 1_250_000)).toBe(false)
    expect(await h.finish(data.length)).toBe(sha(data))
    await pool.destroy()
  })

  it('refuses a batch that skips bytes or overlaps bytes already hashed: each byte is hashed once, in order', async () => {
    const pool = new HashPool(1)
    const data = randomBytes(8192)
    const path = join(dir, 'gaps')
    await writeFile(path, data)
    const h = pool.open(path)
    expect(h.lend(batchOf(data.subarray(0, 1000)), 1000, 0)).toBe(true)
    // A gap: [1000, 2000) was never lent nor announced.
    expect(h.lend(batchOf(data.subarray(2000, 3000)), 1000, 2000)).toBe(false)
    // An overlap: [500, 1000) is hashed already.
    expect(h.lend(batchOf(data.subarray(500, 1500)), 1000, 500)).toBe(false)
    // Bytes that are not the file's: had either batch above been hashed, the digest would not be the file's.
    expect(h.lend(batchOf(Buffer.alloc(1000, 9)), 1000, 3000)).toBe(false)
    expect(h.announced).toBe(1000)
    expect(await h.finish(data.length)).toBe(sha(data))
    await pool.destroy()
  })

  it('hashes the file again from byte 0 when a write lands below a lent batch', async () => {
    const pool = new HashPool(1)
    const first = randomBytes(1024 * 1024)
    const path = join(dir, 'rewritten')
    await writeFile(path, first)
    const h = pool.open(path)
    expect(h.lend(batchOf(first.subarray(0, LEND_SLOT)), LEND_SLOT, 0)).toBe(true)
    h.advance(first.length)
    // Let the worker hash the lent bytes before the file changes under them.
    const probe = pool.open(path)
    await probe.finish(first.length)
    const second = Buffer.from(first)
    second.fill(7, 4096, 8192)
    h.wrote(4096)
    const fh = await open(path, 'r+')
    await fh.write(second, 4096, 4096, 4096)
    await fh.close()
    expect(await h.finish(second.length)).toBe(sha(second))
    await pool.destroy()
  })

  it('lends at most MAX_LENT batches at once, copies them, and frees each slot once hashed', async () => {
    const pool = new HashPool(1)
    const size = (MAX_LENT + 2) * 1000
    const data = randomBytes(size)
    const path = join(dir, 'bounded')
    await writeFile(path, data)
    const h = pool.open(path)
    const lend = (i: number): boolean => {
      const buf = batchOf(data.subarray(i * 1000, (i + 1) * 1000))
      const taken = h.lend(buf, 1000, i * 1000)
      // The writer reuses its batch at once: what the worker hashes must be a copy made before that.
      buf.fill(0)
      return taken
    }
    let taken = 0
    for (let i = 0; i <= MAX_LENT; i++) if (lend(i)) taken++
    // Nothing came back yet (no turn of the event loop): the slots bound the memory lent.
    expect(taken).toBe(MAX_LENT)
    // Once the worker has hashed them, the slots are free again (a file hashed after them proves it).
    h.advance((MAX_LENT + 1) * 1000)
    const probe = pool.open(path)
    await probe.finish(size)
    expect(lend(MAX_LENT + 1)).toBe(true)
    expect(await h.finish(size)).toBe(sha(data))
    await pool.destroy()
  })
})

describe('body writer, batches lent to the hasher', () => {
  it('offers each batch once it is written, in order, with the bytes written', async () => {
    const size = 5 * WRITE_BATCH + 333
    const data = randomBytes(size)
    const out = Buffer.alloc(size)
    const events: string[] = []
    const hashed: Buffer[] = []
    const sink: SegmentSink = {
      async write(buf, n, pos) {
        events.push(`write ${pos}`)
        buf.copy(out, pos, 0, n)
      },
      written(pos) {
        events.push(`written ${pos}`)
      },
      lend(buf, n, pos) {
        events.push(`lend ${pos}`)
        expect(out.subarray(pos, pos + n).equals(buf.subarray(0, n))).toBe(true)
        hashed.push(Buffer.from(buf.subarray(0, n)))
      }
    }
    const seg: Segment = { start: 0, end: size, pos: 0, busy: true, claimed: size, retryAt: 0, attempts: 0 }
    const parts: Buffer[] = []
    for (let i = 0; i < size; i += 64 * 1024) parts.push(data.subarray(i, i + 64 * 1024))
    const res = { status: 206, headers: {}, url: 'http://mirror.invalid/f', body: Readable.from(parts) }
    await copyBody(sink, seg, res, new AbortController().signal, size)
    expect(seg.pos).toBe(size)
    expect(out.equals(data)).toBe(true)
    // What the hasher was offered is the file, in order, each byte once, each batch after its write.
    expect(Buffer.concat(hashed).equals(data)).toBe(true)
    for (let i = 0; i < events.length; i += 3) {
      const at = events[i].split(' ')[1]
      expect(events.slice(i, i + 3)).toEqual([`write ${at}`, `lend ${at}`, `written ${at}`])
    }
  })
})

describe('download file, batches lent to the hasher', () => {
  it('lends only a batch the written prefix reaches, and never announces bytes not yet written', async () => {
    const cache = new BlobCache(dir)
    await cache.init()
    const pool = new HashPool(1)
    const size = 3 * WRITE_BATCH
    const data = randomBytes(size)
    const job = { sha256: sha(data), size, urls: ['http://mirror.invalid/f'], label: 'p f' }
    const file = await DownloadFile.open(job, {
      cache,
      hashPool: pool,
      oneStream: false,
      restarted: false,
      onBytes: () => undefined
    })
    const [head] = file.ranges.segments
    const tail = file.ranges.split(head, WRITE_BATCH)
    // Written out of order: [WRITE_BATCH, 2 * WRITE_BATCH) lands while [0, WRITE_BATCH) is still missing.
    const writeAt = async (seg: Segment, pos: number): Promise<boolean> => {
      const buf = batchOf(data.subarray(pos, pos + WRITE_BATCH))
      await file.write(buf, WRITE_BATCH, pos)
      seg.pos = pos + WRITE_BATCH
      const taken = file.lend(buf, WRITE_BATCH, pos)
      file.written(pos, WRITE_BATCH)
      return taken
    }
    expect(await writeAt(tail, WRITE_BATCH)).toBe(false)
    expect(file.hashAnnounced).toBe(0)
    // The prefix now reaches it: the head is lent, and the tail's bytes will be read back from the file.
    expect(await writeAt(head, 0)).toBe(true)
    expect(file.hashAnnounced).toBe(WRITE_BATCH)
    // Continues where the hash is once the read-back of [WRITE_BATCH, 2 * WRITE_BATCH) is announced.
    expect(await writeAt(tail, 2 * WRITE_BATCH)).toBe(true)
    expect(file.hashAnnounced).toBe(size)
    expect(await file.digest()).toBe(sha(data))
    await file.close(true)
    await pool.destroy()
  })
})
