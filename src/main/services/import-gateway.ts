/**
 * The import engine as the services see it: start/stop/status, boot resources, and (in the app) the
 * "Automatically sync images" scheduler. Engine events become contract events for the renderer.
 */
import type {
  BootResource,
  BootSource,
  BootSourceSelection,
  ImportResult,
  ImportStatus,
  Settings
} from '@shared/types'
import { AppError } from '@shared/errors'
import { DELETE_LOCKED_WHILE_IMPORTING, SOURCE_LOCKED_WHILE_IMPORTING } from '@shared/import-locks'
import { ImportEngine, SyncScheduler } from '../import'
import type { ImportExecutor } from '../import/host/import-executor'
import type { AppEvents } from './events'

export interface ImportGatewayDeps {
  dataDir: string
  events: AppEvents
  listSources(): Promise<Array<{ source: BootSource; selections: BootSourceSelection[] }>>
  getSettings(): Promise<Settings>
  /** the desktop app (and its browser-mode stand-in, the test bridge) syncs on a timer; the CLI never does */
  autoSync: boolean
  /** where imports run; in this process when absent (see MainContext.launchImportWorker) */
  executor?: ImportExecutor
  /** how long restart() waits for the running import to end; RESTART_STOP_WAIT_MS unless given (tests) */
  restartStopWaitMs?: number
}

export const IMPORT_STARTED = 'Import of boot resources started'
export const IMPORT_STOPPING = 'Import of boot resources is being stopped'
/** How long a restart waits for the running import to end: beyond main's 10 s forced end of a worker. */
export const RESTART_STOP_WAIT_MS = 30_000

export class ImportGateway {
  readonly engine: ImportEngine
  private readonly scheduler: SyncScheduler | undefined
  private readonly restartStopWaitMs: number

  constructor(deps: ImportGatewayDeps) {
    this.restartStopWaitMs = deps.restartStopWaitMs ?? RESTART_STOP_WAIT_MS
    this.engine = new ImportEngine({
      dataDir: deps.dataDir,
      listSources: deps.listSources,
      getSettings: deps.getSettings,
      executor: deps.executor
    })
    this.engine.on('progress', (p) => deps.events.emit('importProgress', p))
    this.engine.on('finished', (r) => deps.events.emit('importFinished', r))
    this.engine.on('resources-changed', () => deps.events.emit('resourcesChanged', null))
    if (deps.autoSync) {
      this.scheduler = new SyncScheduler(this.engine, deps.getSettings)
      this.scheduler.on('changed', (at: Date | null) =>
        deps.events.emit('syncScheduleChanged', { next_sync_at: at ? at.toISOString() : null })
      )
      this.scheduler.start()
    }
  }

  listResources(): Promise<BootResource[]> {
    return this.engine.listResources()
  }
  getResource(id: number): Promise<BootResource> {
    return this.engine.getResource(id)
  }
  /** Refused while any import (this process, the CLI) runs, in the words the Images page shows. */
  async deleteResource(id: number): Promise<void> {
    if (await this.engine.isImporting()) throw new AppError('busy', DELETE_LOCKED_WHILE_IMPORTING)
    return this.engine.deleteResource(id)
  }

  /** Changing a source under a running import would mix two streams' images: refused, as in MAAS. */
  async assertSourceChangeAllowed(): Promise<void> {
    if (await this.engine.isImporting()) throw new AppError('busy', SOURCE_LOCKED_WHILE_IMPORTING)
  }

  /** Starts an import in the background, as MAAS's "Sync" does; progress arrives as events. */
  async start(): Promise<{ started: boolean; message: string }> {
    if (await this.engine.isImporting()) {
      throw new AppError('busy', 'an import of boot resources is already running')
    }
    // runImport never rejects for import failures (they are in its result); a lost race for the
    // lock is the only rejection, and the status then shows the other import.
    void this.engine.runImport().catch(() => undefined)
    return { started: true, message: IMPORT_STARTED }
  }

  /**
   * MAAS's "Save and sync": a running import works from the old selections, so it is stopped; once it
   * has ended (its files closed, the lock released) a new one starts, and this resolves with the status
   * as soon as the new one runs. Busy when the old one has not ended within restartStopWaitMs (main
   * stops its own within 2 s and ends a stuck worker by force at 10 s); `signal` cancels the wait.
   */
  async restart(signal?: AbortSignal): Promise<ImportStatus> {
    if (await this.engine.isImporting()) {
      await this.engine.requestStop()
      await this.engine.whenIdle(this.restartStopWaitMs, signal)
    }
    signal?.throwIfAborted()
    await this.engine.startInBackground()
    return this.engine.status()
  }

  /**
   * Runs an import in the foreground (the CLI) until it ends or `signal` aborts; a stopped import
   * resolves with its result marked stopped, and a later import resumes it.
   */
  run(signal: AbortSignal): Promise<ImportResult> {
    return this.engine.runImport({ signal })
  }

  async stop(): Promise<{ stopping: boolean; message: string }> {
    const stopping = await this.engine.requestStop()
    return { stopping, message: stopping ? IMPORT_STOPPING : 'No import of boot resources is running' }
  }

  status(): Promise<ImportStatus> {
    return this.engine.status()
  }

  /** Settings changed: the scheduler re-reads the interval and switch now. */
  settingsChanged(): void {
    void this.scheduler?.refresh()
  }

  /** Stops the scheduler and any import of this process, and waits until its files are closed. */
  async dispose(): Promise<void> {
    this.scheduler?.stop()
    await this.engine.dispose()
  }
}
