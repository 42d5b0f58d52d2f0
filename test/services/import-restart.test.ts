/**
 * restartImport (MAAS's "Save and sync" in main): a running import is stopped, the new one starts only
 * once the old one has ended, and the request resolves when the new one runs. Imports here run in a
 * scripted executor that holds each run open until it is stopped, so no stream is needed.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ImportResult } from '@shared/types'
import { ImportGateway } from '../../src/main/services/import-gateway'
import { AppEvents } from '../../src/main/services/events'
import { ImportEngine } from '../../src/main/import/engine'
import type { ImportExecutor, ImportRunHooks } from '../../src/main/import/host/import-executor'
import type { Settings } from '@shared/types'

const defaultSettings = (): Settings => ({
  auto_sync: false,
  start_at_login: false,
  sync_interval_minutes: 60,
  connections: 8,
  proxy: { http_proxy: '', https_proxy: '', no_proxy: '' },
  commissioning_distro_series: 'noble'
})

/** One line per thing that happened, in order: what the test compares. */
type Log = string[]

/** Each run is held open until its signal aborts (or, `stuck`, until the test lets it go). */
class HeldExecutor implements ImportExecutor {
  readonly where = 'in a test executor'
  private runs = 0
  stuck = false
  private letGo: (() => void) | undefined
  constructor(private readonly log: Log) {}

  async run(_options: unknown, hooks: ImportRunHooks): Promise<ImportResult> {
    const n = ++this.runs
    this.log.push(`run ${n} started`)
    const started_at = new Date().toISOString()
    await new Promise<void>((resolve) => {
      if (this.stuck) this.letGo = resolve
      else hooks.signal.addEventListener('abort', () => resolve(), { once: true })
    })
    // A stopped import closes its files before it returns: give that a turn of the event loop.
    await new Promise((r) => setImmediate(r))
    this.log.push(`run ${n} ended`)
    const finished_at = new Date().toISOString()
    return { ok: true, started_at, finished_at, downloaded_bytes: 0, failures: [], notes: [], stopped: true }
  }

  release(): void {
    this.letGo?.()
  }

  async dispose(): Promise<void> {}
}

let dataDir: string
let log: Log
let executor: HeldExecutor
let gateways: ImportGateway[]
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'maas-images-restart-'))
  log = []
  executor = new HeldExecutor(log)
  gateways = []
})
afterEach(async () => {
  executor.release()
  for (const g of gateways) await g.dispose()
  await rm(dataDir, { recursive: true, force: true })
})

function gateway(restartStopWaitMs?: number): ImportGateway {
  const g = new ImportGateway({
    dataDir,
    events: new AppEvents(),
    listSources: async () => [],
    getSettings: async () => defaultSettings(),
    autoSync: false,
    executor,
    restartStopWaitMs
  })
  gateways.push(g)
  return g
}

/** Resolves once the log has `line`: the executor's runs are the events waited for. */
async function logged(line: string): Promise<void> {
  while (!log.includes(line)) await new Promise((r) => setImmediate(r))
}

describe('restartImport', () => {
  it('with no import running, starts one and resolves once it runs', async () => {
    const g = gateway()
    const status = await g.restart()
    expect(status.importing).toBe(true)
    expect(await g.status()).toMatchObject({ importing: true })
    await logged('run 1 started')
    expect(log).toEqual(['run 1 started'])
  })

  it('stops the running import, waits until it has ended, then starts the new one', async () => {
    const g = gateway()
    await g.start()
    await logged('run 1 started')
    const status = await g.restart()
    expect(status.importing).toBe(true)
    await logged('run 2 started')
    // The old import ended (files closed, lock released) before the new one began.
    expect(log).toEqual(['run 1 started', 'run 1 ended', 'run 2 started'])
    expect(status.last_result?.stopped).toBe(true)
  })

  it("stops another process's import (the CLI's) through its stop request and waits for its lock", async () => {
    // The CLI: an engine of its own on the same data directory, which polls the stop request file.
    const cli = new ImportEngine({
      dataDir,
      listSources: async () => [],
      getSettings: async () => defaultSettings(),
      executor
    })
    const cliRun = cli.runImport()
    await logged('run 1 started')
    const status = await gateway().restart()
    expect(status.importing).toBe(true)
    expect((await cliRun).stopped).toBe(true)
    await logged('run 2 started')
    expect(log).toEqual(['run 1 started', 'run 1 ended', 'run 2 started'])
    await cli.dispose()
  })

  it('refuses, naming the wait, when the running import does not end, and starts nothing', async () => {
    executor.stuck = true
    const g = gateway(300)
    await g.start()
    await logged('run 1 started')
    await expect(g.restart()).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/did not end within 0.3 s of being asked to stop; try again once it has/)
    })
    executor.release()
    await logged('run 1 ended')
    expect(log).toEqual(['run 1 started', 'run 1 ended'])
  })

  it('a cancelled restart stops waiting and starts nothing', async () => {
    executor.stuck = true
    const g = gateway()
    await g.start()
    await logged('run 1 started')
    const abort = new AbortController()
    const restarting = g.restart(abort.signal)
    abort.abort(new Error('request cancelled'))
    await expect(restarting).rejects.toThrow('request cancelled')
    executor.release()
    await logged('run 1 ended')
    expect(log).toEqual(['run 1 started', 'run 1 ended'])
  })
})
