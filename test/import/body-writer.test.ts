import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { copyBody, spareBatches, WRITE_BATCH, type SegmentSink } from '../../src/main/import/download/body-writer'
import type { Segment } from '../../src/main/import/download/file-ranges'

function segment(start: number, end: number): Segment {
  return { start, end, pos: start, busy: true, claimed: end, retryAt: 0, attempts: 0 }
}

/** A sink that keeps what was written where, and which buffers the writes came from. */
function memorySink(size: number): SegmentSink & { out: Buffer; buffers: Set<Buffer>; journal: Array<[number, number]> } {
  const out = Buffer.alloc(size)
  const buffers = new Set<Buffer>()
  const journal: Array<[number, number]> = []
  return {
    out,
    buffers,
    journal,
    async write(buf, n, pos) {
      buffers.add(buf)
      buf.copy(out, pos, 0, n)
    },
    written(pos, n) {
      journal.push([pos, pos + n])
    }
  }
}

const response = (data: Buffer, chunk = 64 * 1024) => {
  const parts: Buffer[] = []
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk))
  return { status: 206, headers: {}, url: 'http://mirror.invalid/f', body: Readable.from(parts) }
}

describe('body writer', () => {
  it('reuses its batch buffers across requests (no 512 KiB allocation per Range request)', async () => {
    const size = 3 * WRITE_BATCH + 1000
    const data = Buffer.alloc(size)
    for (let i = 0; i < size; i++) data[i] = (i * 7) & 0xff
    const sink = memorySink(size)
    const seg = segment(0, size)
    // Five requests in a row on one connection, as the sizer's short requests make.
    const step = Math.ceil(size / 5)
    for (let at = 0; at < size; at += step) {
      const end = Math.min(size, at + step)
      await copyBody(sink, seg, response(data.subarray(at, end)), new AbortController().signal, end)
    }
    expect(seg.pos).toBe(size)
    expect(sink.out.equals(data)).toBe(true)
    // Every write of every request came from the same buffer, now idle for the next request.
    expect(sink.buffers.size).toBe(1)
    expect(spareBatches()).toBeGreaterThanOrEqual(1)
    // Each batch is journalled once written, in order, with no gap: resume loses at most one batch.
    let pos = 0
    for (const [a, b] of sink.journal) {
      expect(a).toBe(pos)
      expect(b - a).toBeLessThanOrEqual(WRITE_BATCH)
      pos = b
    }
    expect(pos).toBe(size)
  })
})
