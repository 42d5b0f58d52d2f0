/**
 * Staging from the app: one staging at a time per process, progress and the outcome as events, Stop
 * by abort (the files written so far stay whole, and staging again resumes).
 */
import { AppError, toErrorShape } from '@shared/errors'
import type { BootSource, StagingStatus } from '@shared/types'
import type { Drive } from '@shared/types'
import { listDrives } from '../stage/drives'
import { ejectDrive } from '../stage/eject'
import { planStaging } from '../stage/plan-staging'
import { stage } from '../stage/stager'
import { stagedContent, type ContentFilter } from '../library/staged-content'
import type { AppEvents } from './events'

export interface StagingGatewayDeps {
  dataDir: string
  version: string
  events: AppEvents
  getSource(id: number): Promise<BootSource>
  /**
   * whether a target may be staged to without having been listed as a drive: the CLI's user typed the path;
   * the window's renderer may only name a folder picked in main's dialog (see services/index.ts)
   */
  mayStageTo(target: string): boolean
  /** the URL a folder on the drive mounted at `mount` is being served at, or null (see ServeGateway) */
  servedFrom?(mount: string): string | null
  /** the clock progress is throttled by (tests fix it) */
  now?: () => number
}

/** Progress events at most this often; the last one always goes. */
const PROGRESS_MS = 200

export class StagingGateway {
  private running: { abort: AbortController; done: Promise<void> } | null = null
  private status: StagingStatus = {
    staging: false,
    target: null,
    progress: null,
    last_result: null,
    last_error: null
  }

  /** drives this process has listed, by mount point: the renderer may stage onto, serve and eject them */
  private readonly listed = new Map<string, Drive>()
  /** targets a staging ran onto (each passed checkTarget): the renderer may serve them */
  private readonly stagedTargets = new Set<string>()

  constructor(
    private readonly deps: StagingGatewayDeps,
    private readonly list: typeof listDrives = listDrives,
    private readonly eject: typeof ejectDrive = ejectDrive
  ) {}

  async drives(all = false) {
    const found = await this.list(all)
    for (const d of found) this.listed.set(d.mount, d)
    return found
  }

  /** Whether the renderer may name `dir` for serving: a drive listed here, or a target staged onto. */
  mayServe(dir: string): boolean {
    return this.listed.has(dir) || this.stagedTargets.has(dir)
  }

  /**
   * Ejects a drive listed here, never one being staged onto or served from: as a desktop refuses to eject a
   * volume in use, the admin stops serving first, knowing a MAAS region syncing from it will be cut off.
   */
  async ejectDrive(mount: string): Promise<{ ejected: boolean; message: string }> {
    const drive = this.listed.get(mount)
    if (!drive)
      throw new AppError('invalid_argument', `choose the drive to eject from the list of drives: ${mount}`)
    if (this.running && this.status.target === mount)
      throw new AppError('busy', `Staging onto ${mount} is running: stop it before ejecting the drive.`)
    const url = this.deps.servedFrom?.(mount)
    if (url)
      throw new AppError(
        'busy',
        `${mount} is being served to MAAS at ${url}: stop serving before you eject the drive, ` +
          'or a MAAS region syncing from it would fail.'
      )
    await this.eject(drive)
    this.listed.delete(mount)
    return {
      ejected: true,
      message: `${drive.label || drive.model || mount} was ejected. You can now remove the stick.`
    }
  }

  /**
   * Staging writes as this process (often with sudo): a renderer that could name any path could have it
   * write streams/ and image folders anywhere. So the target is a drive we listed or a folder picked in
   * main's dialog, as `serve dir=` is; the CLI keeps typed paths.
   */
  private checkTarget(target: string): void {
    if (this.listed.has(target) || this.deps.mayStageTo(target)) {
      this.stagedTargets.add(target)
      return
    }
    throw new AppError(
      'invalid_argument',
      `choose where to stage with the folder picker or from the list of drives: ${target}`
    )
  }

  async choices(sourceId: number) {
    return (await stagedContent(this.deps.dataDir, await this.deps.getSource(sourceId))).choices
  }

  async plan(sourceId: number, target: string, images?: ContentFilter['images'], signal?: AbortSignal) {
    return planStaging(this.deps.dataDir, await this.deps.getSource(sourceId), target, { images }, signal)
  }

  getStatus(): StagingStatus {
    return structuredClone(this.status)
  }

  async start(
    sourceId: number,
    target: string,
    images?: ContentFilter['images']
  ): Promise<{ started: boolean; message: string }> {
    this.checkTarget(target)
    if (this.running)
      return { started: false, message: `staging onto ${this.status.target} is already running` }
    const abort = new AbortController()
    const staged = this.begin(
      await this.deps.getSource(sourceId),
      target,
      abort,
      images ? { images } : undefined
    )
    void staged.catch(() => undefined)
    return { started: true, message: `staging onto ${target}` }
  }

  /**
   * Stages in the foreground (the CLI): resolves with the result or rejects with the error, and
   * emits the same events as start(). `signal` stops it.
   */
  async run(sourceId: number, target: string, filter: ContentFilter | undefined, signal: AbortSignal) {
    this.checkTarget(target)
    if (this.running) throw new AppError('busy', `staging onto ${this.status.target} is already running`)
    const abort = new AbortController()
    const forward = (): void => abort.abort(signal.reason)
    if (signal.aborted) forward()
    else signal.addEventListener('abort', forward, { once: true })
    try {
      return await this.begin(await this.deps.getSource(sourceId), target, abort, filter)
    } finally {
      signal.removeEventListener('abort', forward)
    }
  }

  /** One staging: status, throttled progress events, the finished event; the promise settles after them. */
  private begin(source: BootSource, target: string, abort: AbortController, filter?: ContentFilter) {
    this.status = { staging: true, target, progress: null, last_result: null, last_error: null }
    let last = 0
    let lastPhase: string | null = null
    const done = stage({
      dataDir: this.deps.dataDir,
      source,
      target,
      filter,
      appVersion: this.deps.version,
      signal: abort.signal,
      onProgress: (p) => {
        this.status.progress = p
        const now = (this.deps.now ?? Date.now)()
        // Throttled within the copy, but each phase change goes out at once: the first copying event
        // is the one that carries the byte total.
        if (now - last < PROGRESS_MS && p.phase === 'copying' && lastPhase === 'copying') return
        last = now
        lastPhase = p.phase
        this.deps.events.emit('stagingProgress', p)
      }
    }).then(
      (result) => {
        // Idle before anyone hears it finished, so a listener may start the next staging at once.
        this.running = null
        this.status = { ...this.status, staging: false, last_result: result }
        this.deps.events.emit('stagingFinished', { ok: true, result, error: null })
        return result
      },
      (err: unknown) => {
        this.running = null
        const error = toErrorShape(err)
        this.status = { ...this.status, staging: false, last_error: error }
        this.deps.events.emit('stagingFinished', { ok: false, result: null, error })
        throw err
      }
    )
    this.running = {
      abort,
      done: done.then(
        () => undefined,
        () => undefined
      )
    }
    return done
  }

  stop(): { stopping: boolean; message: string } {
    if (!this.running) return { stopping: false, message: 'no staging is running' }
    this.running.abort.abort()
    return { stopping: true, message: 'stopping staging' }
  }

  async dispose(): Promise<void> {
    this.running?.abort.abort()
    await this.running?.done
  }
}
