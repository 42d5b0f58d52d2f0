/**
 * An offline import from a local mirror whose stick stops answering (src/main/import/download/range-fetch.ts and
 * downloader.ts): a read with no reply within the stall limit stops the whole import with the stick's words,
 * naming the file, instead of waiting for ever; nothing more is sent to the stick; and when the hung reads
 * answer late, writing into the buffers they were given, no blob in the cache is the worse for it.
 */
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlobCache } from '../../src/main/library/blob-cache'
import { Downloader } from '../../src/main/import/download/downloader'
import { HashPool } from '../../src/main/import/download/hash-pool'
import { hangReads } from '../support/failing-medium'
import { payloads, sha256, tempDir, type Payload } from './helpers'

const MiB = 1024 * 1024
let mirror: string
let data: string
let files: Payload[]
let pool: HashPool

beforeAll(async () => {
  mirror = await tempDir('hung-mirror-')
  data = await tempDir('hung-data-')
  files = await payloads(mirror, [6 * MiB, 5 * MiB, 4 * MiB, 3 * MiB])
  pool = new HashPool(2)
})
afterAll(async () => {
  await pool.destroy()
  await rm(mirror, { recursive: true, force: true })
  await rm(data, { recursive: true, force: true })
})

describe('an offline import from a stick that stops answering', () => {
  it('stops with the stick named, sends it nothing more, and keeps no blob the late reads touched', async () => {
    const cache = new BlobCache(data)
    await cache.init()
    const failed: string[] = []
    const downloader = new Downloader(
      files.map((p) => ({
        sha256: p.sha256,
        size: p.data.length,
        urls: [pathToFileURL(join(mirror, p.path)).href],
        label: p.path
      })),
      { cache, hashPool: pool, connections: 2, localRoots: [mirror], stallTimeoutMs: 300, backoffMs: 10 },
      { failed: (job, err) => failed.push(`${job.label}: ${err.message}`) }
    )
    // A few reads go through, then the stick hangs: without the time limit, run() would never settle and the
    // test's own timeout would fail it.
    const hung = await hangReads(4)
    let outcome: Awaited<ReturnType<Downloader['run']>>
    try {
      outcome = await downloader.run()
      await hung.hanging
      const readsAtStop = hung.reads()
      await new Promise((r) => setTimeout(r, 200))
      // Nothing more was sent to the stick once the import had stopped.
      expect(hung.reads()).toBe(readsAtStop)
    } finally {
      // The hung reads answer now, writing 0xEE over the buffers they were given.
      hung.restore()
    }
    expect(outcome.stopped).toBe(true)
    expect(outcome.fatal?.message).toMatch(
      new RegExp(`^${mirror}/files/f\\d\\.bin: the stick or disk stopped answering \\(no reply in 300 ms\\)`)
    )
    expect(outcome.fatal?.message).toContain('the import stopped')
    expect(hung.held.length).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 100))
    for (const p of files) {
      const blob = cache.blobPath(p.sha256)
      if (existsSync(blob)) expect(sha256(await readFile(blob))).toBe(p.sha256)
    }
  }, 30_000)
})
