import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { appendFile, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BlobCache } from '../../src/main/library/blob-cache'
import { HashPool } from '../../src/main/import/download/hash-pool'
import { ImportLock, lockHolder, lockPath, requestStopFile } from '../../src/main/import/import-lock'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imp-unit-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** A pid that certainly belongs to no live process: a child that already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(r.stdout.toString())
}

describe('blob cache', () => {
  it('commits by rename into a sha256 fan-out and garbage-collects unreferenced blobs', async () => {
    const cache = new BlobCache(dir)
    await cache.init()
    const a = randomBytes(1000)
    const b = randomBytes(2000)
    for (const data of [a, b]) {
      await writeFile(cache.partPath(sha(data)), data)
      await cache.commit(cache.partPath(sha(data)), sha(data))
    }
    expect(cache.blobPath(sha(a))).toBe(join(dir, 'cache', 'sha256', sha(a).slice(0, 2), sha(a)))
    expect(await cache.has(sha(a), 1000)).toBe(true)
    expect(await cache.has(sha(a), 999)).toBe(false)
    expect((await cache.list()).sort()).toEqual([sha(a), sha(b)].sort())
    await writeFile(cache.partPath('c'.repeat(64)), 'x')
    const removed = await cache.gc(new Set([sha(a)]))
    expect(removed).toEqual([sha(b)])
    expect(await cache.list()).toEqual([sha(a)])
    expect(await cache.listPartials()).toEqual([])
  })

  it('refuses anything but a sha256 as a name', () => {
    const cache = new BlobCache(dir)
    expect(() => cache.blobPath('../../etc/passwd')).toThrow(/not a sha256/)
  })
})

describe('import lock', () => {
  it('refuses a second holder with a clear busy error, and frees on release', async () => {
    const first = await ImportLock.acquire(dir)
    await expect(ImportLock.acquire(dir)).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringContaining(`already running (pid ${process.pid}`)
    })
    expect((await lockHolder(dir))?.pid).toBe(process.pid)
    await first.release()
    expect(await lockHolder(dir)).toBeNull()
    const second = await ImportLock.acquire(dir)
    await second.release()
  })

  it('takes over a lock left by a dead process', async () => {
    const pid = deadPid()
    await writeFile(
      lockPath(dir),
      JSON.stringify({ pid, token: 'dead', host: (await import('node:os')).hostname(), started_at: '' })
    )
    expect(await lockHolder(dir)).toBeNull()
    expect(await requestStopFile(dir)).toBe(false)
    const lock = await ImportLock.acquire(dir)
    expect(JSON.parse(await readFile(lockPath(dir), 'utf8')).pid).toBe(process.pid)
    await lock.release()
  })

  it('passes a stop request from "another process" through a file', async () => {
    const lock = await ImportLock.acquire(dir)
    expect(await lock.stopRequested()).toBe(false)
    expect(await requestStopFile(dir)).toBe(true)
    expect(await lock.stopRequested()).toBe(true)
    await lock.release()
    expect(await lock.stopRequested()).toBe(false)
  })
})

describe('hash pool', () => {
  it('hashes incrementally as the prefix grows and matches a one-shot digest', async () => {
    const pool = new HashPool(2)
    const data = randomBytes(3 * 1024 * 1024 + 17)
    const path = join(dir, 'f')
    await writeFile(path, Buffer.alloc(0))
    const h = pool.open(path)
    await writeFile(path, data.subarray(0, 1_000_000))
    h.advance(1_000_000)
    // Append, as the downloader writes: rewriting with writeFile would truncate the file under a worker still
    // reading the first million bytes, and the test would race with its own write.
    await appendFile(path, data.subarray(1_000_000))
    expect(await h.finish(data.length)).toBe(sha(data))
    await pool.destroy()
  })

  it('reports a file shorter than announced as an io error', async () => {
    const pool = new HashPool(1)
    const path = join(dir, 'short')
    await writeFile(path, Buffer.alloc(10))
    const h = pool.open(path)
    await expect(h.finish(20)).rejects.toMatchObject({
      code: 'io',
      message: expect.stringContaining('shorter')
    })
    await pool.destroy()
  })

  it('refuses a file longer than the size it is asked to hash: no unhashed byte may follow the digest', async () => {
    const pool = new HashPool(1)
    const path = join(dir, 'long')
    const data = randomBytes(4096)
    await writeFile(path, data)
    const h = pool.open(path)
    h.advance(4000)
    await expect(h.finish(4000)).rejects.toMatchObject({
      code: 'io',
      message: expect.stringContaining('the file is 4096 bytes, longer than the 4000 expected')
    })
    await pool.destroy()
  })

  it('hashes the file again from byte 0 when bytes it may already have hashed are rewritten', async () => {
    const pool = new HashPool(1)
    const path = join(dir, 'rewritten')
    const first = randomBytes(2 * 1024 * 1024)
    const second = Buffer.from(first)
    second.fill(7, 0, 1024 * 1024)
    await writeFile(path, first)
    const h = pool.open(path)
    h.advance(first.length)
    // Let the worker hash the first version of the bytes before they change.
    const probe = pool.open(path)
    await probe.finish(first.length)
    h.wrote(0)
    const fh = await open(path, 'r+')
    await fh.write(second, 0, 1024 * 1024, 0)
    await fh.close()
    expect(await h.finish(second.length)).toBe(sha(second))
    await pool.destroy()
  })
})
