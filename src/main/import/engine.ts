/**
 * The import engine as the app's main process, the IPC layer and the CLI see it. Plain Node (no
 * Electron): one instance per data directory and process; the cross-process parts (the lock, the
 * stop request, the progress snapshot and the last result) live in files in the data directory.
 * The engine holds the lock, polls the stop request and records the result; the import's work runs in its
 * executor (host/import-executor.ts): in this process, or in a worker so that a window stays responsive.
 */
import { EventEmitter } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type {
  BootResource,
  BootSource,
  BootSourceSelection,
  ImportProgress,
  ImportResult,
  ImportStatus,
  Settings
} from '@shared/types'
import { AppError } from '@shared/errors'
import { scrubSecrets } from '@shared/scrub-secrets'
import { BlobCache } from '../library/blob-cache'
import type { DownloaderOptions } from './download/downloader'
import { readLastResult, readProgressSnapshot, removeProgressSnapshot, writeLastResult } from './import-files'
import { ImportLock, lockHolder, requestStopFile } from './import-lock'
import { referencedBlobs, ResourceStore } from '../library/resource-store'
import { toBootResource, type LiveResourceState } from '../library/resource-view'
import { failedImportResult, initialProgress, type ImportExecutor } from './host/import-executor'
import { InProcessImportExecutor } from './host/in-process-executor'

export interface ImportEngineDeps {
  dataDir: string
  listSources(): Promise<Array<{ source: BootSource; selections: BootSourceSelection[] }>>
  getSettings(): Promise<Settings>
  /** free space kept beyond the bytes to download; default 64 MiB */
  freeSpaceMarginBytes?: number
  /** downloader knobs for tests and benchmarks */
  tuning?: Partial<DownloaderOptions>
  /**
   * Where the import's work runs: in this process unless given (the composition root decides; see
   * MainContext.launchImportWorker in services/index.ts). The lock, stop requests and the result stay here.
   */
  executor?: ImportExecutor
}

const STOP_POLL_MS = 250

export interface RunOptions {
  signal?: AbortSignal
  /** called once the import holds the lock and runs */
  onStarted?: () => void
}

export class ImportEngine extends EventEmitter {
  readonly store: ResourceStore
  readonly cache: BlobCache
  readonly executor: ImportExecutor
  /** the running import of this process and its latest progress */
  private running: { abort: AbortController; progress: ImportProgress } | undefined
  private runningPromise: Promise<ImportResult> | undefined
  private nextSync: Date | null = null

  constructor(private readonly deps: ImportEngineDeps) {
    super()
    this.store = new ResourceStore(deps.dataDir)
    this.cache = new BlobCache(deps.dataDir)
    this.executor = deps.executor ?? new InProcessImportExecutor()
  }

  /**
   * Runs an import in the foreground; AppError('busy') when another one (any process) holds the lock.
   * `onStarted` is called once this import holds the lock and runs, before any of its work.
   */
  runImport(opts: RunOptions = {}): Promise<ImportResult> {
    const p = this.importOnce(opts)
    this.runningPromise = p
    void p
      .catch(() => undefined)
      .finally(() => {
        if (this.runningPromise === p) this.runningPromise = undefined
      })
    return p
  }

  /**
   * Starts an import in the background and resolves once it holds the lock and runs; rejects (busy)
   * when another import holds the lock. The import's own outcome arrives as the `finished` event.
   */
  startInBackground(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.runImport({ onStarted: resolve }).catch(reject)
    })
  }

  /**
   * Resolves once no import runs on this data directory: this process's when it has closed its files and
   * released the lock, another process's (the CLI) when its lock is gone. AppError('busy') after
   * `timeoutMs`; `signal` ends the wait.
   */
  async whenIdle(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs
    const tooLong = (): AppError =>
      new AppError(
        'busy',
        `the running import of boot resources did not end within ${timeoutMs / 1000} s of ` +
          'being asked to stop; try again once it has'
      )
    const mine = this.runningPromise
    if (mine && !(await settlesWithin(mine, timeoutMs, signal))) throw tooLong()
    // Another process holds the lock: it polls its stop request every STOP_POLL_MS, so this polls as often.
    while (await lockHolder(this.deps.dataDir)) {
      if (Date.now() >= deadline) throw tooLong()
      await sleep(STOP_POLL_MS, undefined, signal ? { signal } : undefined)
    }
  }

  private async importOnce(opts: RunOptions): Promise<ImportResult> {
    if (this.running) {
      throw new AppError(
        'busy',
        `an import of boot resources is already running in this process on ${this.deps.dataDir}`
      )
    }
    const lock = await ImportLock.acquire(this.deps.dataDir)
    const abort = new AbortController()
    const onAbort = (): void => abort.abort()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.signal?.aborted) abort.abort()

    const running = { abort, progress: initialProgress() }
    this.running = running
    opts.onStarted?.()
    const poll = setInterval(() => {
      void lock.stopRequested().then((yes) => yes && abort.abort())
    }, STOP_POLL_MS)

    const startedAt = new Date().toISOString()
    let result: ImportResult
    try {
      const [sources, settings] = await Promise.all([this.deps.listSources(), this.deps.getSettings()])
      result = await this.executor.run(
        {
          dataDir: this.deps.dataDir,
          sources,
          settings,
          freeSpaceMarginBytes: this.deps.freeSpaceMarginBytes ?? 64 * 1024 * 1024,
          tuning: this.deps.tuning
        },
        {
          signal: abort.signal,
          progress: (p) => {
            running.progress = p
            this.emit('progress', p)
          },
          resourcesChanged: () => this.emit('resources-changed')
        }
      )
    } catch (err) {
      // The import could not run to its end (its worker died, say): the error is the result.
      result = failedImportResult(err, startedAt)
    } finally {
      clearInterval(poll)
      opts.signal?.removeEventListener('abort', onAbort)
      // An executor that ended abnormally sent no last event: the window must not stay on "Importing".
      if (running.progress.importing) this.emit('progress', idle(running.progress))
      this.running = undefined
      await removeProgressSnapshot(this.deps.dataDir)
      // Last line of defence: the result goes to the renderer (importFinished) and to disk.
      result = scrubImportResult(result!)
      await writeLastResult(this.deps.dataDir, result).catch(() => undefined)
      await lock.release()
    }
    this.emit('finished', result)
    return result
  }

  /** Asks the running import (this process or another) to stop; false when none runs. */
  async requestStop(): Promise<boolean> {
    if (this.running) {
      this.running.abort.abort()
      return true
    }
    return requestStopFile(this.deps.dataDir)
  }

  async isImporting(): Promise<boolean> {
    return !!this.running || (await lockHolder(this.deps.dataDir)) !== null
  }

  async status(): Promise<ImportStatus> {
    const importing = await this.isImporting()
    return {
      importing,
      progress: this.running
        ? this.running.progress
        : importing
          ? await readProgressSnapshot(this.deps.dataDir)
          : null,
      last_result: await this.lastResult(),
      next_sync_at: this.nextSync ? this.nextSync.toISOString() : null
    }
  }

  /** Set by the SyncScheduler so status() can show it. */
  setNextSync(at: Date | null): void {
    this.nextSync = at
  }

  /** Scrubbed on read as well: a file written by an older version may hold a proxy password. */
  async lastResult(): Promise<ImportResult | null> {
    const result = await readLastResult(this.deps.dataDir)
    return result ? scrubImportResult(result) : null
  }

  async listResources(): Promise<BootResource[]> {
    const [doc, live] = await Promise.all([this.store.read(), this.liveStates()])
    return doc.resources.map((r) => toBootResource(r, live.get(r.id))).sort((a, b) => a.id - b.id)
  }

  async getResource(id: number): Promise<BootResource> {
    const [doc, live] = await Promise.all([this.store.read(), this.liveStates()])
    const r = doc.resources.find((x) => x.id === id)
    if (!r) throw new AppError('not_found', `boot resource ${id} does not exist`)
    return toBootResource(r, live.get(id), true)
  }

  /**
   * Deletes a resource and the files no other resource shares. As in MAAS, the next sync brings it
   * back while a selection still matches it: unselecting is what keeps it away.
   */
  async deleteResource(id: number): Promise<void> {
    if (await this.isImporting()) {
      throw new AppError(
        'busy',
        'an import of boot resources is running; stop it before deleting a boot resource'
      )
    }
    const { gone, keep } = await this.store.update((doc) => {
      const r = doc.resources.find((x) => x.id === id)
      if (!r) throw new AppError('not_found', `boot resource ${id} does not exist`)
      doc.resources = doc.resources.filter((x) => x.id !== id)
      const mine = new Set<string>()
      for (const s of Object.values(r.sets)) for (const f of Object.values(s.files)) mine.add(f.sha256)
      return { gone: mine, keep: referencedBlobs(doc) }
    })
    for (const sha of gone) {
      if (keep.has(sha)) continue
      await this.cache.remove(sha)
      await this.cache.removePartial(sha)
    }
    this.emit('resources-changed')
  }

  /**
   * For shutdown: stops an import running in this process, waits until it has closed its files (so the
   * partials resume cleanly; with a worker, until the worker has exited), and releases the hash workers.
   * The engine stays usable afterwards.
   */
  async dispose(): Promise<void> {
    if (this.running) this.running.abort.abort()
    await this.runningPromise?.catch(() => undefined)
    await this.executor.dispose()
  }

  /** What the import says about each resource it still works on: this process's, or another's snapshot. */
  private async liveStates(): Promise<Map<number, LiveResourceState>> {
    if (this.running) return liveFromProgress(this.running.progress)
    if (!(await lockHolder(this.deps.dataDir))) return new Map()
    return liveFromProgress(await readProgressSnapshot(this.deps.dataDir))
  }
}

/** Whether `promise` settles within `ms`; rejects with the abort reason when `signal` aborts first. */
async function settlesWithin(promise: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true
      ),
      new Promise<boolean>((resolve, reject) => {
        timer = setTimeout(() => resolve(false), ms)
        onAbort = () => reject(signal!.reason)
        if (signal?.aborted) onAbort()
        else signal?.addEventListener('abort', onAbort, { once: true })
      })
    ])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}

/** Resources not yet complete (percent < 100), as the Images page shows them while an import runs. */
function liveFromProgress(p: ImportProgress | null): Map<number, LiveResourceState> {
  const out = new Map<number, LiveResourceState>()
  for (const r of p?.resources ?? []) {
    if (r.percent < 100)
      out.set(r.id, {
        state: r.status.startsWith('Downloading') ? 'downloading' : 'queued',
        percent: r.percent
      })
  }
  return out
}

/** The last word of an import that ended without one. */
function idle(p: ImportProgress): ImportProgress {
  return { ...p, importing: false, phase: 'idle', rate: 0, eta: null }
}

/** Every text of an import result, without credentials (see scrubSecrets). */
export function scrubImportResult(result: ImportResult): ImportResult {
  return {
    ...result,
    failures: result.failures.map((f) => ({
      ...f,
      ...(f.resource === undefined ? {} : { resource: scrubSecrets(f.resource) }),
      ...(f.file === undefined ? {} : { file: scrubSecrets(f.file) }),
      message: scrubSecrets(f.message)
    })),
    notes: result.notes.map(scrubSecrets)
  }
}
