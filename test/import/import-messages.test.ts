/**
 * The message contract between the window's process and the import worker (src/main/import/host/
 * import-messages.ts): what each side accepts, and that hostile or broken messages are refused by name on
 * both sides, without a worker (fake channels and ports).
 */
import { describe, expect, it, vi } from 'vitest'
import type { ImportProgress, ImportResult } from '@shared/types'
import {
  parseHostRequest,
  parseWorkerEvent,
  type HostRequest,
  type WorkerEvent
} from '../../src/main/import/host/import-messages'
import type {
  ImportHostPort,
  ImportWorkerChannel,
  WorkerExit
} from '../../src/main/import/host/worker-channel'
import { WorkerImportExecutor } from '../../src/main/import/host/worker-executor'
import { serveImports } from '../../src/main/import/host/worker-side'
import { initialProgress } from '../../src/main/import/host/import-executor'
import { settings } from './engine-fixture'

const options = {
  dataDir: '/tmp/data',
  sources: [
    {
      source: {
        id: 1,
        url: 'http://127.0.0.1:1/',
        keyring_filename: '/k.gpg',
        keyring_data: '',
        created: '',
        updated: ''
      },
      selections: [
        {
          id: 1,
          boot_source_id: 1,
          os: 'ubuntu',
          release: 'noble',
          arches: ['*'],
          subarches: ['*'],
          labels: ['*']
        }
      ]
    }
  ],
  settings: settings(),
  freeSpaceMarginBytes: 1024,
  tuning: { requestBytes: 1 << 20 }
}

const progress: ImportProgress = {
  ...initialProgress(),
  phase: 'downloading',
  bytes_done: 5,
  bytes_total: 10,
  rate: 3,
  eta: 2
}
const result: ImportResult = {
  ok: true,
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:00:01.000Z',
  downloaded_bytes: 10,
  failures: [],
  notes: [],
  stopped: false
}

const refusal = (r: { ok: boolean; error?: string }): string => {
  expect(r.ok).toBe(false)
  return (r as { error: string }).error
}

describe('import message contract', () => {
  it('accepts every request and event of the contract as sent', () => {
    const requests: HostRequest[] = [
      { type: 'run', run: 1, options },
      { type: 'stop', run: 1 },
      { type: 'shutdown' }
    ]
    for (const r of requests) expect(parseHostRequest(r)).toEqual({ ok: true, message: r })
    const events: WorkerEvent[] = [
      { type: 'progress', run: 1, progress },
      { type: 'resources-changed', run: 1 },
      { type: 'finished', run: 1, result },
      { type: 'log', level: 'error', message: 'x' },
      { type: 'closed' }
    ]
    for (const e of events) expect(parseWorkerEvent(e)).toEqual({ ok: true, message: e })
  })

  it('refuses what is not a message, an unknown type and an inherited name, saying so', () => {
    for (const raw of [null, 'run', 42, [{ type: 'run' }]])
      expect(refusal(parseHostRequest(raw))).toBe('a request that is not an object')
    expect(refusal(parseHostRequest({ type: 'format-disk' }))).toBe(
      "an unknown request 'format-disk' (known: run, stop, shutdown)"
    )
    expect(refusal(parseHostRequest({ type: 'toString' }))).toMatch(/^an unknown request 'toString'/)
    expect(refusal(parseHostRequest({ type: '__proto__' }))).toMatch(/^an unknown request '__proto__'/)
    expect(refusal(parseWorkerEvent({ type: 7 }))).toMatch(/^an unknown event of type number/)
    expect(refusal(parseWorkerEvent({}))).toMatch(/^an unknown event of type undefined/)
  })

  it('refuses invalid requests, naming the request and the field', () => {
    const { dataDir: _gone, ...noDir } = options
    expect(refusal(parseHostRequest({ type: 'run', run: 1, options: noDir }))).toMatch(
      /^an invalid 'run' request: options\.dataDir: /
    )
    expect(refusal(parseHostRequest({ type: 'run', run: 1, options, extra: 'x' }))).toMatch(
      /^an invalid 'run' request: \(message\): Unrecognized key.*extra/
    )
    // A function cannot cross anyway; a downloader knob outside the contract is refused by name.
    expect(
      refusal(parseHostRequest({ type: 'run', run: 1, options: { ...options, tuning: { fetch: 'x' } } }))
    ).toMatch(/^an invalid 'run' request: options\.tuning: Unrecognized key.*fetch/)
    expect(
      refusal(
        parseHostRequest({
          type: 'run',
          run: 1,
          options: { ...options, settings: { ...options.settings, connections: 1e9 } }
        })
      )
    ).toMatch(/^an invalid 'run' request: options\.settings\.connections: /)
    expect(refusal(parseHostRequest({ type: 'stop', run: -1 }))).toMatch(/^an invalid 'stop' request: run: /)
  })

  it('refuses invalid and oversized events, naming the event and the capped field', () => {
    expect(
      refusal(parseWorkerEvent({ type: 'progress', run: 1, progress: { ...progress, bytes_done: -1 } }))
    ).toMatch(/^an invalid 'progress' event: progress\.bytes_done: /)
    expect(
      refusal(parseWorkerEvent({ type: 'progress', run: 1, progress: { ...progress, phase: 'mining' } }))
    ).toMatch(/^an invalid 'progress' event: progress\.phase: /)
    expect(refusal(parseWorkerEvent({ type: 'finished', run: 1, result: { ...result, ok: 'yes' } }))).toMatch(
      /^an invalid 'finished' event: result\.ok: /
    )
    // Every list and text is capped, so no event costs more to check than one at its caps.
    const manyFailures = Array.from({ length: 100_001 }, () => ({ code: 'io', message: 'x' }))
    expect(
      refusal(parseWorkerEvent({ type: 'finished', run: 1, result: { ...result, failures: manyFailures } }))
    ).toMatch(/^an invalid 'finished' event: result\.failures: /)
    expect(refusal(parseWorkerEvent({ type: 'log', level: 'error', message: 'x'.repeat(10 << 20) }))).toMatch(
      /^an invalid 'log' event: message: /
    )
  })
})

/** An in-memory worker for the host: records what the host posts, lets the test send events and exits. */
function fakeChannel() {
  const posted: HostRequest[] = []
  let onMessage: (raw: unknown) => void = () => undefined
  const exits: Array<(e: WorkerExit) => void> = []
  let killed = false
  const exit = (e: WorkerExit): void => {
    for (const l of exits.splice(0)) l(e)
  }
  const channel: ImportWorkerChannel = {
    description: 'fake worker 1',
    post: (m) => void posted.push(m),
    onMessage: (l) => void (onMessage = l),
    onExit: (l) => void exits.push(l),
    kill: () => {
      killed = true
      queueMicrotask(() => exit({ code: 1, cause: 'was killed' }))
    }
  }
  return { channel, posted, send: (raw: unknown) => onMessage(raw), exit, killed: () => killed }
}

const hooks = (signal = new AbortController().signal, progressSeen: ImportProgress[] = []) => ({
  signal,
  progress: (p: ImportProgress) => void progressSeen.push(p),
  resourcesChanged: () => undefined
})

describe('the host side of the contract', () => {
  it('relays progress and resolves with the result of the run it asked for', async () => {
    const fake = fakeChannel()
    const seen: ImportProgress[] = []
    const executor = new WorkerImportExecutor(() => fake.channel, { where: 'in a fake worker' })
    const run = executor.run(options, hooks(undefined, seen))
    expect(fake.posted[0]).toMatchObject({ type: 'run', run: 1, options: { dataDir: '/tmp/data' } })
    fake.send({ type: 'progress', run: 1, progress })
    fake.send({ type: 'finished', run: 1, result })
    expect(fake.posted[1]).toEqual({ type: 'shutdown' })
    fake.exit({ code: 0, cause: 'exited with code 0' })
    await expect(run).resolves.toEqual(result)
    expect(seen).toEqual([progress])
  })

  it('ends a worker that sends an event outside the contract, and the run fails naming the event', async () => {
    const fake = fakeChannel()
    const executor = new WorkerImportExecutor(() => fake.channel, { where: 'in a fake worker' })
    const run = executor.run(options, hooks())
    fake.send({ type: 'progress', run: 1, progress: { ...progress, rate: 'fast' } })
    await expect(run).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(
        /^the import worker \(fake worker 1\) sent an invalid 'progress' event: progress\.rate: .*and was ended before the import finished/
      )
    })
    expect(fake.killed()).toBe(true)
  })

  it('refuses an event for another run, and a downloader option that cannot cross', async () => {
    const fake = fakeChannel()
    const executor = new WorkerImportExecutor(() => fake.channel, { where: 'in a fake worker' })
    const run = executor.run(options, hooks())
    fake.send({ type: 'finished', run: 99, result })
    await expect(run).rejects.toThrow(/sent a 'finished' event for import 99, not 1/)
    await expect(
      executor.run({ ...options, tuning: { fetch: (() => undefined) as never } }, hooks())
    ).rejects.toThrow('the downloader option fetch cannot be passed to an import worker')
  })

  it('sends stop when the import is stopped, and ends a worker that does not stop in time', async () => {
    const fake = fakeChannel()
    const executor = new WorkerImportExecutor(() => fake.channel, {
      where: 'in a fake worker',
      stopGraceMs: 50
    })
    const abort = new AbortController()
    const run = executor.run(options, hooks(abort.signal))
    abort.abort()
    expect(fake.posted[1]).toEqual({ type: 'stop', run: 1 })
    await expect(run).rejects.toThrow(/did not stop within 0.05 s of the stop request and was ended/)
  })

  it('names how the worker ended when it dies before the result', async () => {
    const fake = fakeChannel()
    const executor = new WorkerImportExecutor(() => fake.channel, { where: 'in a fake worker' })
    const run = executor.run(options, hooks())
    fake.exit({ code: null, cause: 'ran out of memory (ERR_WORKER_OUT_OF_MEMORY)' })
    await expect(run).rejects.toThrow(
      'the import worker (fake worker 1) ran out of memory (ERR_WORKER_OUT_OF_MEMORY) before the import finished; ' +
        'partial downloads are kept and the next import resumes them'
    )
  })
})

describe('the worker side of the contract', () => {
  function fakePort() {
    const sent: WorkerEvent[] = []
    let onMessage: (raw: unknown) => void = () => undefined
    const exits: number[] = []
    const port: ImportHostPort = {
      post: (m) => void sent.push(m),
      onMessage: (l) => void (onMessage = l),
      exit: (c) => void exits.push(c)
    }
    return { port, sent, send: (raw: unknown) => onMessage(raw), exits }
  }

  it('refuses hostile requests with a log event naming them, and runs nothing', async () => {
    const fake = fakePort()
    serveImports(fake.port)
    fake.send({ type: 'run', run: 1, options: { ...options, dataDir: '' } })
    fake.send({ type: 'eval', code: 'process.exit()' })
    fake.send('shutdown')
    expect(fake.sent).toEqual([
      {
        type: 'log',
        level: 'error',
        message: expect.stringMatching(/^refused an invalid 'run' request: options\.dataDir: /)
      },
      {
        type: 'log',
        level: 'error',
        message: "refused an unknown request 'eval' (known: run, stop, shutdown)"
      },
      { type: 'log', level: 'error', message: 'refused a request that is not an object' }
    ])
    // Still serving: a real shutdown closes it.
    fake.send({ type: 'shutdown' })
    await vi.waitFor(() => expect(fake.exits).toEqual([0]), { timeout: 10_000 })
    expect(fake.sent.at(-1)).toEqual({ type: 'closed' })
  })
})
