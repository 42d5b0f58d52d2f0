/**
 * The host side of imports in a separate execution context: one worker per import, started by an injected
 * launcher (a utility process in the app, a worker thread elsewhere), spoken to only through the message
 * contract (import-messages.ts). The worker does the metadata reads, downloads, hashing and cache writes;
 * this side only relays progress and waits for the result, so the process that owns the window stays free.
 *
 * The import lock stays with the engine in this process, so a worker that dies (crash, out of memory, killed)
 * can never leave it held: run() rejects with an error naming the cause and the engine releases the lock.
 */
import type { ImportResult } from '@shared/types'
import { AppError } from '@shared/errors'
import {
  SERIALISABLE_TUNING,
  type ImportExecutor,
  type ImportRunHooks,
  type ImportRunOptions,
  type ImportTuning
} from './import-executor'
import { parseWorkerEvent, type HostRequest } from './import-messages'
import type { ImportWorkerChannel, ImportWorkerLauncher, WorkerExit } from './worker-channel'

export interface WorkerExecutorOptions {
  /** "in a worker thread", "in a utility process" */
  where: string
  /** a stopped import that has not ended after this long is ended by force; default 10 s */
  stopGraceMs?: number
  /** a finished worker that has not exited after this long is ended by force; default 5 s */
  shutdownGraceMs?: number
  /** where the worker's log lines go; stderr by default */
  log?: (line: string) => void
}

export class WorkerImportExecutor implements ImportExecutor {
  readonly where: string
  private readonly live = new Set<ImportWorkerChannel>()
  private nextRun = 1

  constructor(
    private readonly launch: ImportWorkerLauncher,
    private readonly opts: WorkerExecutorOptions
  ) {
    this.where = opts.where
  }

  run(options: ImportRunOptions, hooks: ImportRunHooks): Promise<ImportResult> {
    const run = this.nextRun++
    let message: HostRequest
    let channel: ImportWorkerChannel
    try {
      message = { type: 'run', run, options: { ...options, tuning: serialisable(options.tuning) } }
      channel = this.launch()
    } catch (err) {
      if (err instanceof AppError) return Promise.reject(err)
      return Promise.reject(
        new AppError('internal', `could not start the import ${this.where}: ${(err as Error).message}`)
      )
    }
    this.live.add(channel)
    return new Promise<ImportResult>((resolve, reject) => {
      const name = (): string => `the import worker (${channel.description})`
      const log = this.opts.log ?? ((line: string) => process.stderr.write(`${line}\n`))
      let result: ImportResult | undefined
      let broken: string | undefined
      let forceTimer: NodeJS.Timeout | undefined
      const forceEnd = (ms: number, why: string): void => {
        if (forceTimer) return
        forceTimer = setTimeout(() => {
          broken ??= why
          channel.kill()
        }, ms)
      }
      const onAbort = (): void => {
        if (result) return
        channel.post({ type: 'stop', run })
        const ms = this.opts.stopGraceMs ?? 10_000
        forceEnd(ms, `did not stop within ${ms / 1000} s of the stop request and was ended`)
      }

      channel.onMessage((raw) => {
        const parsed = parseWorkerEvent(raw)
        if (!parsed.ok) {
          // Both ends are built from the same code: a message outside the contract means the worker is broken.
          broken ??= `sent ${parsed.error}, and was ended`
          channel.kill()
          return
        }
        const ev = parsed.message
        if ('run' in ev && ev.run !== run) {
          broken ??= `sent a '${ev.type}' event for import ${ev.run}, not ${run}, and was ended`
          channel.kill()
          return
        }
        switch (ev.type) {
          case 'progress':
            if (!result) hooks.progress(ev.progress)
            break
          case 'resources-changed':
            hooks.resourcesChanged()
            break
          case 'finished':
            result = ev.result
            // The import's files are closed; let the worker release its hash workers and exit.
            channel.post({ type: 'shutdown' })
            forceEnd(this.opts.shutdownGraceMs ?? 5_000, 'did not exit after the import finished')
            break
          case 'log':
            log(`${name()}: ${ev.message}`)
            break
          case 'closed':
            break
        }
      })

      channel.onExit((exit: WorkerExit) => {
        if (forceTimer) clearTimeout(forceTimer)
        hooks.signal.removeEventListener('abort', onAbort)
        this.live.delete(channel)
        // A worker that finished and then failed to exit cleanly still delivered its result.
        if (result) return resolve(result)
        reject(
          new AppError(
            'internal',
            `${name()} ${broken ?? exit.cause} before the import finished; ` +
              'partial downloads are kept and the next import resumes them'
          )
        )
      })

      hooks.signal.addEventListener('abort', onAbort, { once: true })
      try {
        channel.post(message)
      } catch (err) {
        broken ??= `could not be sent the import's options (${(err as Error).message}), and was ended`
        channel.kill()
        return
      }
      if (hooks.signal.aborted) onAbort()
    })
  }

  /** Ends any worker still running (the engine has already stopped and awaited its import). */
  async dispose(): Promise<void> {
    const ending = [...this.live].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.onExit(() => resolve())
          c.kill()
        })
    )
    await Promise.all(ending)
  }
}

/** Only numbers cross to the worker; a fetch stub can only be used in process. */
function serialisable(tuning: ImportRunOptions['tuning']): ImportTuning | undefined {
  if (!tuning) return undefined
  const out: ImportTuning = {}
  for (const [key, value] of Object.entries(tuning)) {
    if (value === undefined) continue
    if (!(SERIALISABLE_TUNING as readonly string[]).includes(key))
      throw new AppError(
        'invalid_argument',
        `the downloader option ${key} cannot be passed to an import worker`
      )
    out[key as keyof ImportTuning] = value as number
  }
  return out
}
