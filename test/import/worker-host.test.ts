/**
 * Imports through the worker host (a real node:worker_threads Worker running src/main/import-worker.ts, as
 * the browser-mode host runs out/main/import-worker.js) on the loopback test server: progress, result, the
 * lock, stop, dispose, and a worker that dies mid-import.
 *
 * The stop tests hang the mirror as they ask for the stop: a stop that waited for the requests in flight would
 * wait for the stall timeout and then retry, so the import would not end in the test's time. The bound they
 * assert is half that stall timeout, which load cannot reach; the target (a stop within 2 s) is the figure
 * they print, read on a quiet machine (docs/performance.md).
 */
import { readdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ImportProgress, ImportResult } from '@shared/types'
import { lockHolder } from '../../src/main/import/import-lock'
import { SyncScheduler } from '../../src/main/import/scheduler'
import { failedImportResult } from '../../src/main/import/host/import-executor'
import { dataLayout } from '../../src/main/core/data-layout'
import { createMainServices, type MainServices } from '../../src/main/services'
import { WorkerImportExecutor } from '../../src/main/import/host/worker-executor'
import {
  workerThreadLauncher,
  type WorkerThreadOptions
} from '../../src/main/import/host/worker-thread-launcher'
import type { ImportWorkerChannel } from '../../src/main/import/host/worker-channel'
import { DEFAULT_STALL_TIMEOUT_MS } from '../../src/main/net/limits'
import { assertCacheConsistent, engineFor, selection, settings, useStreamEnv } from './engine-fixture'

const WORKER_ENTRY = resolve(__dirname, '../../src/main/import-worker.ts')
const CRASHING_ENTRY = resolve(__dirname, '../support/crashing-import-worker.ts')

const fixture = useStreamEnv('imp-worker-')
const dataDir = fixture.dataDir

/** A worker-thread executor that also records every message the workers sent (what crossed the boundary). */
function workerExecutor(opts: Partial<WorkerThreadOptions> = {}) {
  const received: Array<{ type: string }> = []
  const launch = workerThreadLauncher({ entry: WORKER_ENTRY, ...opts })
  const launched: ImportWorkerChannel[] = []
  const executor = new WorkerImportExecutor(
    () => {
      const channel = launch()
      launched.push(channel)
      channel.onMessage((m) => void received.push(m as { type: string }))
      return channel
    },
    { where: 'in a worker thread' }
  )
  return { executor, received, launched }
}

/** Under this, a stop did not wait for the hung mirror's stall timeout. */
const PROMPT_MS = DEFAULT_STALL_TIMEOUT_MS / 2

const until = async (cond: () => boolean, what: string, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('imports in a worker thread', () => {
  it('imports through the worker: progress with rate and ETA, resources-changed and the result cross; the lock is released', async () => {
    fixture.env.server.options.rateBytesPerSec = 8 * 1024 * 1024
    const dd = await dataDir()
    const { executor, received, launched } = workerExecutor()
    const engine = engineFor(fixture.env, dd, () => [selection('noble')], { executor })
    const progress: ImportProgress[] = []
    let changed = 0
    engine.on('progress', (p: ImportProgress) => progress.push(p))
    engine.on('resources-changed', () => changed++)
    const running = engine.runImport()
    await until(
      () => progress.some((p) => p.phase === 'downloading' && p.bytes_done > 0),
      'download progress'
    )
    const status = await engine.status()
    expect(status.importing).toBe(true)
    expect(status.progress?.phase).toBe('downloading')
    expect((await engine.listResources()).some((r) => /^(Downloading|Queued)/.test(r.status))).toBe(true)
    const result = await running

    expect(result.failures).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.downloaded_bytes).toBeGreaterThan(0)
    expect(launched).toHaveLength(1)
    // The work was done over there: every progress event here came through the worker's messages.
    const crossed = received.filter((m) => m.type === 'progress').length
    expect(crossed).toBe(progress.length)
    expect(received.map((m) => m.type)).toEqual(
      expect.arrayContaining(['resources-changed', 'finished', 'closed'])
    )
    expect(changed).toBeGreaterThanOrEqual(2)
    expect(progress.some((p) => p.rate > 0 && p.eta !== null)).toBe(true)
    const last = progress.at(-1)!
    expect(last).toMatchObject({ importing: false, phase: 'idle' })
    expect(last.bytes_done).toBe(last.bytes_total)
    expect(await assertCacheConsistent(dd)).toBeGreaterThan(0)
    expect(await lockHolder(dd)).toBeNull()
    expect(await engine.isImporting()).toBe(false)
    expect((await engine.status()).last_result?.ok).toBe(true)
    expect((await engine.listResources()).every((r) => r.status === 'Synced')).toBe(true)
    await engine.dispose()
  })

  it('a stop ends the import without waiting for the hung mirror, and the lock is released', async () => {
    fixture.env.server.options.rateBytesPerSec = 512 * 1024
    const dd = await dataDir()
    const { executor } = workerExecutor()
    const engine = engineFor(fixture.env, dd, () => [selection('noble')], { executor })
    let downloading = false
    engine.on('progress', (p: ImportProgress) => (downloading ||= p.bytes_done > 512 * 1024))
    let finishedAt = 0
    engine.on('finished', () => (finishedAt = Date.now()))
    const running = engine.runImport()
    await until(() => downloading, 'the slow download to start')
    expect(await lockHolder(dd)).not.toBeNull()
    fixture.env.server.options.hang = true
    const asked = Date.now()
    expect(await engine.requestStop()).toBe(true)
    const result = await running
    const lockGone = (await lockHolder(dd)) === null
    const tookMs = Date.now() - asked
    console.log(`stop through the worker, after the request: finished ${finishedAt - asked} ms, lock free ${tookMs} ms`)
    // Stopped by itself: a worker ended by force (10 s after the stop) gives a failed result, not a stopped one.
    expect(result.stopped).toBe(true)
    expect(result.notes.join('\n')).toContain('the next import resumes them')
    expect(tookMs).toBeLessThan(PROMPT_MS)
    expect(lockGone).toBe(true)
    expect(await engine.isImporting()).toBe(false)
    await engine.dispose()
  })

  it('a stop-import from another process (the CLI) stops the worker import; the CLI is refused while it runs', async () => {
    fixture.env.server.options.rateBytesPerSec = 512 * 1024
    const dd = await dataDir()
    const { executor } = workerExecutor()
    const app = engineFor(fixture.env, dd, () => [selection('noble')], { executor })
    const cli = engineFor(fixture.env, dd, () => [selection('noble')])
    let downloading = false
    app.on('progress', (p: ImportProgress) => (downloading ||= p.bytes_done > 512 * 1024))
    const running = app.runImport()
    await until(() => downloading, 'the slow download to start')
    await expect(cli.runImport()).rejects.toMatchObject({ code: 'busy' })
    expect(await cli.isImporting()).toBe(true)
    // The CLI sees the worker's progress through the snapshot file the worker rewrites every second.
    let seen = await cli.status()
    for (const deadline = Date.now() + 20_000; !seen.progress?.bytes_total && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 20))
      seen = await cli.status()
    }
    expect(seen).toMatchObject({ importing: true, progress: { importing: true } })
    expect(seen.progress!.bytes_total).toBeGreaterThan(0)
    fixture.env.server.options.hang = true
    const asked = Date.now()
    expect(await cli.requestStop()).toBe(true)
    const result = await running
    expect(Date.now() - asked).toBeLessThan(PROMPT_MS)
    expect(result.stopped).toBe(true)
    expect(await cli.isImporting()).toBe(false)
    await app.dispose()
  })

  it('dispose() stops the worker import and returns once the worker has exited, its files closed', async () => {
    fixture.env.server.options.rateBytesPerSec = 1024 * 1024
    const dd = await dataDir()
    const { executor, received } = workerExecutor()
    const engine = engineFor(fixture.env, dd, () => [selection('noble')], { executor })
    let started = false
    engine.on('progress', (p: ImportProgress) => (started ||= p.bytes_done > 1024 * 1024))
    const running = engine.runImport()
    await until(() => started, 'the download to start')
    fixture.env.server.options.hang = true
    const t0 = Date.now()
    await engine.dispose()
    expect(Date.now() - t0).toBeLessThan(PROMPT_MS)
    // The worker reported its files closed and hash workers released before it exited.
    expect(received.at(-1)).toEqual({ type: 'closed' })
    const result = await running
    expect(result.stopped).toBe(true)
    expect(await engine.isImporting()).toBe(false)
    const names = await readdir(join(dd, 'cache', 'partial'))
    expect(names.some((n) => n.endsWith('.part.progress'))).toBe(true)
  })
})

/**
 * Main's services as the app and the browser-mode host build them (each import in a worker thread), their one
 * source the fixture's stream, served at 512 KiB/s so that an import is still running when a test acts on it.
 */
async function workerServices(dd: string): Promise<MainServices> {
  const app = await createMainServices({
    dataDir: dd,
    version: '0',
    host: 'test-bridge',
    launchImportWorker: { launch: workerThreadLauncher({ entry: WORKER_ENTRY }), where: 'in a worker thread' }
  })
  try {
    await app.request('updateBootSource', {
      id: 1,
      url: fixture.env.server.url,
      keyring_filename: fixture.env.gen.keyringPath
    })
  } catch (err) {
    await app.dispose()
    throw err
  }
  fixture.env.server.options.rateBytesPerSec = 512 * 1024
  return app
}

describe('the services with a worker launcher, as the app and the browser-mode host build them', () => {
  it('startImport, getImportStatus and stopImport work through the worker; the events reach the window; stop with the mirror hung', async () => {
    const dd = await dataDir()
    const app = await workerServices(dd)
    try {
      const seen = { progress: 0, changed: 0 }
      let downloading = false
      app.events.on('importProgress', (p) => {
        seen.progress++
        downloading ||= p.bytes_done > 256 * 1024
      })
      app.events.on('resourcesChanged', () => seen.changed++)
      const finished = new Promise<ImportResult>((r) => app.events.on('importFinished', r))
      await expect(app.request('startImport', undefined)).resolves.toMatchObject({ started: true })
      await until(() => downloading, 'the slow download to start')
      const status = await app.request('getImportStatus', undefined)
      expect(status).toMatchObject({ importing: true, progress: { importing: true, phase: 'downloading' } })
      await expect(app.request('startImport', undefined)).rejects.toMatchObject({ code: 'busy' })
      await expect(app.request('deleteBootResource', { id: 1 })).rejects.toMatchObject({ code: 'busy' })

      fixture.env.server.options.hang = true
      const asked = Date.now()
      await expect(app.request('stopImport', undefined)).resolves.toMatchObject({ stopping: true })
      const result = await finished
      expect(Date.now() - asked).toBeLessThan(PROMPT_MS)
      expect(result.stopped).toBe(true)
      expect(await lockHolder(dd)).toBeNull()
      expect(await app.request('getImportStatus', undefined)).toMatchObject({
        importing: false,
        progress: null,
        last_result: { stopped: true }
      })
      expect(seen.progress).toBeGreaterThan(1)
      expect(seen.changed).toBeGreaterThanOrEqual(1)
    } finally {
      await app.dispose()
    }
  })
})

describe('restartImport with a worker launcher (Save and sync)', () => {
  it('stops the import running in the worker, waits until it has ended, and answers once a new one runs', async () => {
    const dd = await dataDir()
    const app = await workerServices(dd)
    try {
      let downloading = false
      app.events.on('importProgress', (p) => {
        downloading ||= p.bytes_done > 256 * 1024
      })
      const finished: ImportResult[] = []
      app.events.on('importFinished', (r) => finished.push(r))
      await app.request('startImport', undefined)
      await until(() => downloading, 'the slow download to start')
      const firstLock = await lockHolder(dd)

      const status = await app.request('restartImport', undefined)
      // The old import ended (stopped, its result recorded, its lock released) before the answer came,
      // and the answer is the new import, running under a lock of its own.
      expect(finished.map((r) => r.stopped)).toEqual([true])
      expect(status).toMatchObject({ importing: true, last_result: { stopped: true } })
      const secondLock = await lockHolder(dd)
      expect(secondLock?.token).toBeDefined()
      expect(secondLock?.token).not.toBe(firstLock?.token)

      await app.request('stopImport', undefined)
      await until(() => finished.length === 2, 'the second import to stop')
      expect(await lockHolder(dd)).toBeNull()
    } finally {
      await app.dispose()
    }
  })
})

describe('the automatic sync through the worker', () => {
  it('the SyncScheduler starts the import when due, and it runs in the worker', async () => {
    const dd = await dataDir()
    const { executor, launched } = workerExecutor()
    const engine = engineFor(fixture.env, dd, () => [selection('noble', ['amd64'])], { executor })
    // The last import finished two hours ago: with the default 60-minute interval a sync is due now.
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString()
    await writeFile(
      dataLayout(dd).lastImport,
      JSON.stringify({ ...failedImportResult('x', twoHoursAgo), finished_at: twoHoursAgo })
    )
    const finished = new Promise<ImportResult>((r) => engine.once('finished', r))
    const scheduler = new SyncScheduler(engine, async () => settings(), { minDelayMs: 50, recheckMs: 1000 })
    scheduler.start()
    const result = await finished
    scheduler.stop()
    expect(result.failures).toEqual([])
    expect(launched).toHaveLength(1)
    expect(await lockHolder(dd)).toBeNull()
    await engine.dispose()
  })
})

describe('a worker that dies', () => {
  it('a crash mid-import ends the import with an error naming the cause, releases the lock, and the next import resumes', async () => {
    fixture.env.server.options.rateBytesPerSec = 2 * 1024 * 1024
    const dd = await dataDir()
    const crashing = workerExecutor({ entry: CRASHING_ENTRY })
    const engine = engineFor(fixture.env, dd, () => [selection('noble')], { executor: crashing.executor })
    const progress: ImportProgress[] = []
    engine.on('progress', (p: ImportProgress) => progress.push(p))
    let finished: ImportResult | undefined
    engine.on('finished', (r: ImportResult) => (finished = r))
    const result = await engine.runImport()
    expect(result.ok).toBe(false)
    expect(result.failures).toEqual([
      {
        code: 'internal',
        message: expect.stringMatching(
          /^the import worker \(worker thread \d+\) failed: simulated crash in the import worker before the import finished; partial downloads are kept/
        )
      }
    ])
    expect(finished).toEqual(result)
    // The window leaves "Importing": the last progress says so, the status too, and the lock is free.
    expect(progress.at(-1)).toMatchObject({ importing: false, phase: 'idle' })
    expect(await lockHolder(dd)).toBeNull()
    expect(await engine.status()).toMatchObject({ importing: false, progress: null, last_result: result })
    await engine.dispose()

    const healthy = workerExecutor()
    const again = engineFor(fixture.env, dd, () => [selection('noble')], { executor: healthy.executor })
    fixture.env.reset()
    const second = await again.runImport()
    expect(second.failures).toEqual([])
    await assertCacheConsistent(dd)
    await again.dispose()
  })

  it('a worker out of memory ends the import with "ran out of memory" and releases the lock', async () => {
    const dd = await dataDir()
    const { executor } = workerExecutor({
      resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 }
    })
    const engine = engineFor(fixture.env, dd, () => [selection('noble')], { executor })
    const result = await engine.runImport()
    expect(result.ok).toBe(false)
    expect(result.failures[0].message).toMatch(
      /^the import worker \(worker thread \d+\) ran out of memory \(ERR_WORKER_OUT_OF_MEMORY\) before the import finished/
    )
    expect(await lockHolder(dd)).toBeNull()
    expect(await engine.isImporting()).toBe(false)
    await engine.dispose()
  })
})
