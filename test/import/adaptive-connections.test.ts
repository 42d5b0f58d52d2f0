import { rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { BlobCache } from '../../src/main/library/blob-cache'
import { Downloader } from '../../src/main/import/download/downloader'
import { HashPool } from '../../src/main/import/download/hash-pool'
import type { RangeFetcher } from '../../src/main/import/download/range-fetch'
import { tempDir } from './helpers'

const MB = 1_000_000
const dirs: string[] = []
const pool = new HashPool(1)
afterAll(async () => {
  await pool.destroy()
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

/**
 * A link where each connection is slow (16 KiB every 10 ms, about 1.6 MB/s) and nothing else is the limit:
 * the one a CDN with a per-connection rate cap makes. Counts the Range answers streaming at once.
 */
function slowPerConnection(size: number) {
  const chunk = Buffer.alloc(16 * 1024)
  const stats = { open: 0, most: 0 }
  const fetch: RangeFetcher = async (url, req) => {
    let at = req.start
    stats.open++
    stats.most = Math.max(stats.most, stats.open)
    let ended = false
    const done = (): void => {
      if (ended) return
      ended = true
      stats.open--
      clearInterval(timer)
    }
    const body = new Readable({ read() {}, destroy: (err, cb) => (done(), cb(err)) })
    const timer = setInterval(() => {
      const n = Math.min(chunk.length, req.end - at)
      body.push(chunk.subarray(0, n))
      at += n
      if (at >= req.end) {
        done()
        body.push(null)
      }
    }, 10)
    return {
      status: 206,
      headers: { 'content-range': `bytes ${req.start}-${req.end - 1}/${size}` },
      url,
      body
    }
  }
  return { fetch, stats }
}

async function adaptiveRun(cap: number): Promise<number> {
  const d0 = await tempDir('adaptive-')
  dirs.push(d0)
  const cache = new BlobCache(d0)
  await cache.init()
  // Big enough that more than 8 connections fit the kill-loss budget (1.5 % of 400 MB is 24 x 256 KiB).
  const size = 400 * MB
  const { fetch, stats } = slowPerConnection(size)
  const d = new Downloader(
    [{ sha256: 'a'.repeat(64), size, urls: ['http://cdn.invalid/big'], label: 'big' }],
    { cache, hashPool: pool, connections: cap, minSplitBytes: 256 * 1024, fetch }
  )
  // Long enough for the controller to judge a few 250 ms windows; then stop (the file is never finished).
  const stop = setTimeout(() => d.stop(), 2500)
  await d.run().finally(() => clearTimeout(stop))
  return stats.most
}

describe('adaptive connections in the downloader', () => {
  it('opens more than 8 connections to a host while they raise throughput, up to the cap', async () => {
    // Each open connection listens on the run's abort signal: past 10, Node warns of a leak unless told.
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`)
    process.on('warning', onWarning)
    const most = await adaptiveRun(24).finally(() => process.off('warning', onWarning))
    expect(most).toBeGreaterThan(8)
    expect(most).toBeLessThanOrEqual(24)
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([])
  }, 20_000)

  it('splits one big file over every allowed connection, and never opens more than the setting', async () => {
    // The picker must find a segment to split on every look (a spent Map iterator finds none): otherwise one
    // big file stays on one connection.
    expect(await adaptiveRun(5)).toBe(5)
  }, 20_000)
})
