/**
 * The app's side of imports in a utility process, without the Electron binary: the launcher against a
 * stand-in for electron's utilityProcess (what it forks, how messages and exits are relayed and named), and
 * the worker entry's utility-process branch (process.parentPort) running a real import, forked by Node with
 * a preload that provides the parentPort Electron gives a utility process.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { ImportProgress } from '@shared/types'
import { WorkerImportExecutor } from '../../src/main/import/host/worker-executor'
import type { ImportWorkerChannel, WorkerExit } from '../../src/main/import/host/worker-channel'
import { lockHolder } from '../../src/main/import/import-lock'
import { engineFor, selection, useStreamEnv } from '../import/engine-fixture'

class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined
  posted: unknown[] = []
  killed = false
  postMessage(m: unknown): void {
    this.posted.push(m)
  }
  kill(): boolean {
    this.killed = true
    return true
  }
}

const forked: Array<{
  entry: string
  args: unknown
  options: Record<string, unknown>
  child: FakeUtilityProcess
}> = []
vi.mock('electron', () => ({
  utilityProcess: {
    fork: (entry: string, args: unknown, options: Record<string, unknown>) => {
      const child = new FakeUtilityProcess()
      forked.push({ entry, args, options, child })
      return child
    }
  }
}))

const { utilityProcessLauncher } = await import('../../src/main/shell/utility-process-launcher')

describe('utility process launcher (stand-in electron)', () => {
  it('forks the entry it was given, relays messages both ways and names the process by its pid after it exited', () => {
    const channel = utilityProcessLauncher('/app/out/main/import-worker.js')()
    const { entry, options, child } = forked.at(-1)!
    expect(entry).toBe('/app/out/main/import-worker.js')
    expect(options).toMatchObject({ serviceName: 'MAAS Images import' })
    expect(channel.description).toBe('utility process (not started)')
    child.pid = 4242
    child.emit('spawn')
    const got: unknown[] = []
    channel.onMessage((m) => got.push(m))
    child.emit('message', { type: 'closed' })
    expect(got).toEqual([{ type: 'closed' }])
    channel.post({ type: 'shutdown' })
    expect(child.posted).toEqual([{ type: 'shutdown' }])
    const exits: WorkerExit[] = []
    channel.onExit((e) => exits.push(e))
    child.pid = undefined
    child.emit('exit', 9)
    expect(exits).toEqual([{ code: 9, cause: 'exited with code 9' }])
    expect(channel.description).toBe('utility process 4242')
    channel.kill()
    expect(child.killed).toBe(true)
  })

  it('names a fatal V8 error (out of memory) reported before the exit', () => {
    const channel = utilityProcessLauncher('/x.js')()
    const { child } = forked.at(-1)!
    const exits: WorkerExit[] = []
    channel.onExit((e) => exits.push(e))
    child.emit('error', 'FatalError', 'v8::internal::Heap::FatalProcessOutOfMemory', '{}')
    child.emit('exit', 133)
    expect(exits[0].cause).toBe(
      'hit a fatal V8 error (FatalError at v8::internal::Heap::FatalProcessOutOfMemory; out of memory?)'
    )
  })
})

describe('the worker entry as a utility process (process.parentPort)', () => {
  const fixture = useStreamEnv('imp-utility-')

  /** Like the launcher, over a forked Node process whose preload provides Electron's parentPort. */
  function forkedUtility(): ImportWorkerChannel {
    const entry = resolve(__dirname, '../../src/main/import-worker.ts')
    const child: ChildProcess = fork(entry, [], {
      execArgv: [
        '-r',
        createRequire(entry).resolve('tsx/cjs'),
        '-r',
        resolve(__dirname, '../support/utility-parent-port.cjs')
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    return {
      description: `forked process ${child.pid}`,
      post: (m) => void child.send(m),
      onMessage: (l) => void child.on('message', l),
      onExit: (l) =>
        void child.once('exit', (code, signal) => l({ code, cause: `exited with ${code ?? signal}` })),
      kill: () => void child.kill()
    }
  }

  it('runs an import, reports progress and the result, and exits on shutdown', async () => {
    const dd = await fixture.dataDir()
    // Slow enough that the download outlives progress's 100 ms throttle: unthrottled, a fast machine
    // finished it between two progress events and no 'downloading' one was ever sent.
    fixture.env.server.options.rateBytesPerSec = 4 * 1024 * 1024
    const channels: ImportWorkerChannel[] = []
    const exits: WorkerExit[] = []
    const executor = new WorkerImportExecutor(
      () => {
        const c = forkedUtility()
        c.onExit((e) => exits.push(e))
        channels.push(c)
        return c
      },
      { where: 'in a utility process' }
    )
    const engine = engineFor(fixture.env, dd, () => [selection('noble', ['amd64'])], { executor })
    const progress: ImportProgress[] = []
    engine.on('progress', (p: ImportProgress) => progress.push(p))
    const result = await engine.runImport()
    expect(result.failures).toEqual([])
    expect(result.ok).toBe(true)
    expect(progress.some((p) => p.phase === 'downloading')).toBe(true)
    expect(progress.at(-1)).toMatchObject({ importing: false })
    // It exited by itself once asked to shut down: process.exit(0) in the utility branch.
    expect(exits).toEqual([{ code: 0, cause: 'exited with 0' }])
    expect(await lockHolder(dd)).toBeNull()
    await engine.dispose()
  })
})
