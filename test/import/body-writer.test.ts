import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  copyBody,
  spareBatches,
  WRITE_BATCH,
  type SegmentSink
} from '../../src/main/import/download/body-writer'
import type { Segment } from '../../src/main/import/download/file-ranges'
import { httpOpen } from '../../src/main/net/request'
import type { ResponseBody } from '../../src/main/net/response-body'

function segment(start: number, end: number): Segment {
  return { start, end, pos: start, busy: true, claimed: end, retryAt: 0, attempts: 0 }
}

/** A sink that keeps what was written where, and which buffers the writes came from. */
/** `mem`, with every batch write taking `ms` first (a slow disk). */
function slowSink(mem: SegmentSink, ms: number): SegmentSink {
  return {
    write: async (buf, n, pos) => {
      await new Promise((r) => setTimeout(r, ms))
      await mem.write(buf, n, pos)
    },
    written: (pos, n) => mem.written(pos, n)
  }
}

function memorySink(
  size: number
): SegmentSink & { out: Buffer; buffers: Set<Buffer>; journal: Array<[number, number]> } {
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

  it("reads undici's bodies to the end on one kept-alive connection, writes on a slow disk included", async () => {
    const size = 4 * WRITE_BATCH + 1000
    const data = Buffer.alloc(size)
    for (let i = 0; i < size; i++) data[i] = (i * 13) & 0xff
    let connections = 0
    const server = http.createServer((req, res) => {
      const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range)) ?? []
      const start = Number(a)
      const end = Number(b)
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Content-Length': end - start + 1
      })
      res.end(data.subarray(start, end + 1))
    })
    server.on('connection', () => connections++)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/f`
    try {
      const mem = memorySink(size)
      // Each batch write takes a while, as on a busy disk: the body is paused meanwhile.
      const sink = slowSink(mem, 5)
      const seg = segment(0, size)
      const step = 2 * WRITE_BATCH
      for (let at = 0; at < size; at += step) {
        const end = Math.min(size, at + step)
        const res = await httpOpen(url, {
          proxy: { http_proxy: '', https_proxy: '', no_proxy: '*' },
          headers: { Range: `bytes=${at}-${end - 1}` }
        })
        expect(res.status).toBe(206)
        await copyBody(sink, seg, res, new AbortController().signal, end)
      }
      expect(seg.pos).toBe(size)
      expect(mem.out.equals(data)).toBe(true)
      // A body read to its last wanted byte lets its response finish, so the connection serves the next range.
      expect(connections).toBe(1)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  })

  it('a disk slower than the stall timeout is not a stalled mirror: the watchdog skips time the body is paused', async () => {
    const size = 3 * WRITE_BATCH
    const data = Buffer.alloc(size, 9)
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': size })
      res.end(data)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/f`
    try {
      const mem = memorySink(size)
      // Each write takes longer than the stall timeout: the socket sits idle meanwhile, by our own choice.
      const sink = slowSink(mem, 400)
      const seg = segment(0, size)
      const res = await httpOpen(url, {
        proxy: { http_proxy: '', https_proxy: '', no_proxy: '*' },
        stallTimeoutMs: 150
      })
      // Looked at for longer than the stall timeout before the body is read (range-connection may rewind).
      await new Promise((r) => setTimeout(r, 300))
      await copyBody(sink, seg, res, new AbortController().signal, size)
      expect(seg.pos).toBe(size)
      expect(mem.out.equals(data)).toBe(true)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  })
})

describe('body writer, local mirror ranges', () => {
  async function localFile(
    size: number
  ): Promise<{ url: string; root: string; data: Buffer; done: () => Promise<void> }> {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { pathToFileURL } = await import('node:url')
    const root = await mkdtemp(join(tmpdir(), 'maas-local-range-'))
    const data = Buffer.alloc(size)
    for (let i = 0; i < size; i++) data[i] = (i * 13 + (i >> 8)) & 0xff
    await writeFile(join(root, 'item'), data)
    return {
      url: pathToFileURL(join(root, 'item')).href,
      root,
      data,
      done: () => rm(root, { recursive: true, force: true })
    }
  }

  it('reads a local range straight into the write batch: one read per batch, no buffer per read', async () => {
    const { fetchRange } = await import('../../src/main/import/download/range-fetch')
    const size = 3 * WRITE_BATCH + 777
    const f = await localFile(size)
    try {
      const signal = new AbortController().signal
      const start = 1000
      const res = await fetchRange(f.url, { start, end: size, signal, localRoots: [f.root] })
      expect(res.status).toBe(206)
      // Every chunk a pushed body delivers would be a fresh buffer; the positional body pushes none.
      const pushed: Buffer[] = []
      const body = res.body as ResponseBody
      const spy = body.consume.bind(body)
      body.consume = (c) => spy({ ...c, data: (b: Buffer) => (pushed.push(b), c.data(b)) })
      const sink = memorySink(size)
      const seg = segment(start, size)
      await copyBody(sink, seg, res, signal, size)
      expect(pushed).toEqual([])
      expect(seg.pos).toBe(size)
      expect(sink.out.subarray(start).equals(f.data.subarray(start))).toBe(true)
      // One batch buffer, written whole until the last: one read per write.
      expect(sink.buffers.size).toBe(1)
      expect(sink.journal.map(([a, b]) => b - a)).toEqual([
        WRITE_BATCH,
        WRITE_BATCH,
        size - start - 2 * WRITE_BATCH
      ])
    } finally {
      await f.done()
    }
  })

  it('a local range stops at a split made while it is read, and at a stop', async () => {
    const { fetchRange } = await import('../../src/main/import/download/range-fetch')
    const size = 4 * WRITE_BATCH
    const f = await localFile(size)
    try {
      const ctl = new AbortController()
      const res = await fetchRange(f.url, { start: 0, end: size, signal: ctl.signal, localRoots: [f.root] })
      const seg = segment(0, size)
      const mem = memorySink(size)
      let writes = 0
      const sink: SegmentSink = {
        write: async (buf, n, pos) => {
          // After the first batch another connection takes the segment's second half.
          if (++writes === 1) seg.end = 2 * WRITE_BATCH
          await mem.write(buf, n, pos)
        },
        written: (pos, n) => mem.written(pos, n)
      }
      await copyBody(sink, seg, res, ctl.signal, size)
      expect(seg.pos).toBe(2 * WRITE_BATCH)
      expect(mem.journal).toEqual([
        [0, WRITE_BATCH],
        [WRITE_BATCH, 2 * WRITE_BATCH]
      ])
      expect(mem.out.subarray(0, 2 * WRITE_BATCH).equals(f.data.subarray(0, 2 * WRITE_BATCH))).toBe(true)

      const res2 = await fetchRange(f.url, { start: 0, end: size, signal: ctl.signal, localRoots: [f.root] })
      const seg2 = segment(0, size)
      ctl.abort()
      await expect(copyBody(memorySink(size), seg2, res2, ctl.signal, size)).rejects.toThrow(/cancelled/)
      expect(seg2.pos).toBe(0)
    } finally {
      await f.done()
    }
  })
})
