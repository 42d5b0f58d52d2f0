import { readFile, readdir, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AppError } from '@shared/errors'
import { BlobCache } from '../../src/main/library/blob-cache'
import { Downloader, type DownloadJob } from '../../src/main/import/download/downloader'
import { FileRanges } from '../../src/main/import/download/file-ranges'
import { HashPool } from '../../src/main/import/download/hash-pool'
import { DEFAULT_STALL_TIMEOUT_MS } from '../../src/main/net/limits'
import { startTestServer, type TestServer } from '../support/test-server'
import { payloads, sha256, tempDir, type Payload } from './helpers'

const MiB = 1024 * 1024
let root: string
let files: Payload[]
let server: TestServer
let pool: HashPool
const dirs: string[] = []

beforeAll(async () => {
  root = await tempDir('dl-root-')
  files = await payloads(root, [9 * MiB, 3 * MiB + 123, 700_000, 1, 0])
  server = await startTestServer({ root })
  pool = new HashPool(2)
})
afterAll(async () => {
  await server.close()
  await pool.destroy()
  await rm(root, { recursive: true, force: true })
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
afterEach(() => {
  vi.restoreAllMocks()
  // The server reads its own options object: reset it in place.
  for (const k of Object.keys(server.options))
    delete (server.options as unknown as Record<string, unknown>)[k]
  server.options.root = root
  server.resetStats()
})

async function cacheIn(): Promise<BlobCache> {
  const d = await tempDir('dl-data-')
  dirs.push(d)
  const cache = new BlobCache(d)
  await cache.init()
  return cache
}

const jobs = (list: Payload[] = files): DownloadJob[] =>
  list.map((p) => ({
    sha256: p.sha256,
    size: p.data.length,
    urls: [server.url + p.path],
    label: `prod ${p.path}`
  }))

async function run(
  cache: BlobCache,
  list?: Payload[],
  extra: Partial<ConstructorParameters<typeof Downloader>[1]> = {}
) {
  const failed: Array<{ job: DownloadJob; err: AppError }> = []
  const done: string[] = []
  let bytes = 0
  let resumed = 0
  const d = new Downloader(
    jobs(list),
    { cache, hashPool: pool, connections: 4, minSplitBytes: 256 * 1024, backoffMs: 20, ...extra },
    {
      done: (j) => done.push(j.sha256),
      failed: (job, err) => failed.push({ job, err }),
      bytes: (_j, n) => (bytes += n),
      resumed: (_j, n) => (resumed += n)
    }
  )
  const outcome = await d.run()
  return { outcome, failed, done, bytes, resumed }
}

async function expectCached(cache: BlobCache, list: Payload[]): Promise<void> {
  for (const p of list) expect(sha256(await readFile(cache.blobPath(p.sha256)))).toBe(p.sha256)
}

/**
 * The big file over 4 connections from a 4 MiB/s server, with a stop requested once 3 MiB arrived: the
 * partial it leaves has scattered segments and a resume journal.
 */
/**
 * A download of the big file stopped once 3 MiB are in, when the server hangs: a stop that waited for the
 * requests in flight would wait for the stall timeout and retry, and not end in the test's time.
 */
async function slowDownloadStoppedAt3MiB() {
  server.options.rateBytesPerSec = 4 * MiB
  const cache = await cacheIn()
  const ac = new AbortController()
  const big = [files[0]]
  let seen = 0
  const stop = { at: 0 }
  const first = new Downloader(
    jobs(big),
    { cache, hashPool: pool, connections: 4, minSplitBytes: 256 * 1024, signal: ac.signal },
    {
      bytes: (_j, n) => {
        if ((seen += n) < 3 * MiB || stop.at) return
        server.options.hang = true
        stop.at = Date.now()
        ac.abort()
      }
    }
  )
  return { cache, big, first, stop }
}

describe('downloader', () => {
  it('fetches every file, splitting large ones into Range segments, and verifies each', async () => {
    const cache = await cacheIn()
    const r = await run(cache, files, { requestBytes: 1024 * 1024 })
    expect(r.failed).toEqual([])
    expect(r.done.sort()).toEqual(files.map((f) => f.sha256).sort())
    await expectCached(cache, files)
    // More requests than files means segments ran in parallel; with bounded requests no byte is fetched twice.
    const big = server.stats.byPath.get('/' + files[0].path)!
    expect(big.requests).toBeGreaterThan(1)
    expect(big.bytes).toBe(files[0].data.length)
    expect(await readdir(cache.partialDir)).toEqual([])
  })

  it('falls back to one stream per file when the server ignores Range', async () => {
    server.options.range = false
    const cache = await cacheIn()
    const r = await run(cache)
    expect(r.failed).toEqual([])
    await expectCached(cache, files)
    expect(server.stats.byPath.get('/' + files[0].path)!.bytes).toBe(files[0].data.length)
  })

  it('survives a server that cuts every third payload connection half-way', async () => {
    server.options.cutEveryNth = 3
    const cache = await cacheIn()
    const r = await run(cache)
    expect(r.failed).toEqual([])
    await expectCached(cache, files)
  })

  it('fails a corrupt file with "checksum mismatch" and keeps no byte of it', async () => {
    server.options.faults = { ['/' + files[1].path]: { corruptAt: 1000 } }
    const cache = await cacheIn()
    const r = await run(cache)
    expect(r.failed).toHaveLength(1)
    expect(r.failed[0].err.code).toBe('checksum')
    expect(r.failed[0].err.message).toMatch(
      new RegExp(`^checksum mismatch: prod ${files[1].path} expected ${files[1].sha256} got [0-9a-f]{64}$`)
    )
    expect(await cache.has(files[1].sha256)).toBe(false)
    expect(await readdir(cache.partialDir)).toEqual([])
    await expectCached(cache, [files[0], files[2]])
  })

  it('fails a 404 at once, naming the URL, without retrying', async () => {
    server.options.faults = { ['/' + files[2].path]: { status: 404 } }
    const cache = await cacheIn()
    const r = await run(cache)
    expect(r.failed.map((f) => f.err.message)).toEqual([
      `HTTP 404 Not Found fetching ${server.url}${files[2].path}`
    ])
    expect(server.stats.byPath.get('/' + files[2].path)!.requests).toBe(1)
  })

  it('retries 5xx with backoff and gives up naming the cause', async () => {
    server.options.faults = { ['/' + files[3].path]: { status: 503 } }
    const cache = await cacheIn()
    const r = await run(cache, [files[3]], { maxAttempts: 3 })
    expect(r.failed[0].err.message).toContain('HTTP 503 Service Unavailable')
    expect(r.failed[0].err.message).toContain('gave up after 3 attempts')
    expect(server.stats.byPath.get('/' + files[3].path)!.requests).toBe(3)
  })

  it('tries another URL for the same bytes before failing', async () => {
    const cache = await cacheIn()
    const p = files[2]
    const d = new Downloader(
      [
        {
          sha256: p.sha256,
          size: p.data.length,
          urls: [server.url + 'missing/x', server.url + p.path],
          label: 'x'
        }
      ],
      { cache, hashPool: pool, connections: 2 }
    )
    expect((await d.run()).fatal).toBeUndefined()
    await expectCached(cache, [p])
  })

  it('stops on request, keeps partials with progress journals, and resumes without re-fetching much', async () => {
    const { cache, big, first, stop } = await slowDownloadStoppedAt3MiB()
    const out = await first.run()
    expect(out.stopped).toBe(true)
    expect(Date.now() - stop.at).toBeLessThan(DEFAULT_STALL_TIMEOUT_MS / 2)
    expect((await readdir(cache.partialDir)).sort()).toEqual([
      `${big[0].sha256}.part`,
      `${big[0].sha256}.part.progress`
    ])
    const servedFirst = server.stats.bytesServed
    server.resetStats()
    server.options.rateBytesPerSec = undefined
    server.options.hang = false
    // Bounded 1 MiB requests make every split lossless, so the bound below is exact.
    const r = await run(cache, big, { requestBytes: 1024 * 1024 })
    expect(r.failed).toEqual([])
    expect(r.resumed).toBeGreaterThanOrEqual(2 * MiB)
    await expectCached(cache, big)
    // The second run fetched only what the first did not keep (plus what was in flight when it stopped).
    expect(server.stats.bytesServed).toBeLessThan(big[0].data.length - r.resumed + 1)
    expect(servedFirst + server.stats.bytesServed).toBeLessThan(big[0].data.length * 1.25)
  })
})

describe('downloader and a server that stops honouring Range between runs', () => {
  it('discards the partial of an earlier run (scattered segments) and fetches the file again as one stream', async () => {
    const { cache, big, first } = await slowDownloadStoppedAt3MiB()
    expect((await first.run()).stopped).toBe(true)
    expect(await cache.listPartials()).toEqual([big[0].sha256])
    server.options.rateBytesPerSec = undefined
    server.options.hang = false
    server.options.range = false
    const r = await run(cache, big)
    expect(r.failed).toEqual([])
    await expectCached(cache, big)
    expect(await readdir(cache.partialDir)).toEqual([])
    // Whatever was on disk was given back before the whole file came again: net bytes equal the file.
    expect(r.resumed + r.bytes).toBe(big[0].data.length)
  })
})

describe('downloader stalls', () => {
  it('retries a connection that stops sending (no byte for the stall timeout) and completes', async () => {
    const { createServer } = await import('node:http')
    const data = files[1].data
    let hung = 0
    // A mirror whose first answer sends half the bytes and then goes silent without closing.
    const srv = createServer((req, res) => {
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')
      const start = m ? Number(m[1]) : 0
      const end = m ? Number(m[2]) : data.length - 1
      res.writeHead(m ? 206 : 200, {
        'Content-Length': end - start + 1,
        ...(m ? { 'Content-Range': `bytes ${start}-${end}/${data.length}` } : {})
      })
      if (hung++ === 0) {
        res.write(data.subarray(start, start + Math.floor((end - start) / 2)))
        return
      }
      res.end(data.subarray(start, end + 1))
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const port = (srv.address() as { port: number }).port
    try {
      const cache = await cacheIn()
      const t0 = Date.now()
      const d = new Downloader(
        [
          { sha256: files[1].sha256, size: data.length, urls: [`http://127.0.0.1:${port}/f`], label: 'stall' }
        ],
        { cache, hashPool: pool, connections: 1, stallTimeoutMs: 300, backoffMs: 10 }
      )
      const out = await d.run()
      expect(out.fatal).toBeUndefined()
      expect(hung).toBeGreaterThanOrEqual(2)
      // The 300 ms given, not the default stall timeout, ended the silent request.
      expect(Date.now() - t0).toBeLessThan(DEFAULT_STALL_TIMEOUT_MS / 2)
      await expectCached(cache, [files[1]])
    } finally {
      srv.closeAllConnections()
      srv.close()
    }
  })

  it('retries a cut segment even when the clock passes its backoff in the middle of scheduling', async () => {
    // A loaded machine: every "nothing is due yet" look at the segments is followed by a jump of the clock, so
    // by the time the retry timer is armed the backoff is already over. The retry must still happen.
    let clock = Date.now()
    vi.spyOn(Date, 'now').mockImplementation(() => clock)
    const takeIdle = FileRanges.prototype.takeIdle
    vi.spyOn(FileRanges.prototype, 'takeIdle').mockImplementation(function (this: FileRanges, now?: number) {
      const seg = takeIdle.call(this, now)
      if (!seg) clock += 1000
      return seg
    })
    const data = files[2].data
    let calls = 0
    const cache = await cacheIn()
    const d = new Downloader(
      [{ sha256: files[2].sha256, size: data.length, urls: ['http://mirror.invalid/f'], label: 'clock' }],
      {
        cache,
        hashPool: pool,
        connections: 1,
        backoffMs: 50,
        fetch: async (url, req) => {
          if (calls++ === 0) throw new AppError('network', `connection closed early fetching ${url}`)
          return {
            status: 206,
            headers: { 'content-range': `bytes ${req.start}-${req.end - 1}/${data.length}` },
            url,
            body: Readable.from([data.subarray(req.start, req.end)])
          }
        }
      }
    )
    // If no retry timer is armed for a backoff that is already over, nothing runs and the run never ends:
    // bound it in real time.
    const hung = setTimeout(() => d.stop(), 3000)
    const out = await d.run().finally(() => clearTimeout(hung))
    expect(out).toEqual({ fatal: undefined, stopped: false })
    expect(calls).toBe(2)
    await expectCached(cache, [files[2]])
  })
})
