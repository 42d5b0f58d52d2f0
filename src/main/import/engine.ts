/**
 * The import engine as the app's main process, the IPC layer and the CLI see it. Plain Node (no
 * Electron): one instance per data directory and process; the cross-process parts (the lock, the
 * stop request, the progress snapshot and the last result) live in files in the data directory.
 */
import { EventEmitter } from 'node:events'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dataLayout } from '../core/data-layout'
import type {
  BootResource,
  BootSource,
  BootSourceSelection,
  ImportProgress,
  ImportResult,
  ImportStatus,
  Settings
} from '@shared/types'
import { AppError, toErrorShape } from '@shared/errors'
import { scrubSecrets } from '@shared/scrub-secrets'
import { readJsonFile, writeFileAtomic } from '../core/atomic-file'
import { BlobCache } from '../library/blob-cache'
import type { DownloaderOptions } from './download/downloader'
import { HashPool } from './download/hash-pool'
import { ImportLock, lockHolder, requestStopFile } from './import-lock'
import { ImportProgressTracker } from './import-progress'
import { referencedBlobs, ResourceStore } from '../library/resource-store'
import { toBootResource, type LiveResourceState } from '../library/resource-view'
import { runImport } from './run-import'

export interface ImportEngineDeps {
  dataDir: string
  listSources(): Promise<Array<{ source: BootSource; selections: BootSourceSelection[] }>>
  getSettings(): Promise<Settings>
  /** free space kept beyond the bytes to download; default 64 MiB */
  freeSpaceMarginBytes?: number
  /** downloader knobs for tests and benchmarks */
  tuning?: Partial<DownloaderOptions>
}

const STOP_POLL_MS = 250
const PROGRESS_FILE_MS = 1000

export class ImportEngine extends EventEmitter {
  readonly store: ResourceStore
  readonly cache: BlobCache
  private running: { abort: AbortController; tracker: ImportProgressTracker } | undefined
  private runningPromise: Promise<ImportResult> | undefined
  private nextSync: Date | null = null
  private hashPool: HashPool | undefined

  constructor(private readonly deps: ImportEngineDeps) {
    super()
    this.store = new ResourceStore(deps.dataDir)
    this.cache = new BlobCache(deps.dataDir)
  }

  private get progressPath(): string {
    return dataLayout(this.deps.dataDir).importProgress
  }

  private get resultPath(): string {
    return dataLayout(this.deps.dataDir).lastImport
  }

  /** Runs an import in the foreground; AppError('busy') when another one (any process) holds the lock. */
  runImport(opts: { signal?: AbortSignal } = {}): Promise<ImportResult> {
    const p = this.importOnce(opts)
    this.runningPromise = p
    void p
      .catch(() => undefined)
      .finally(() => {
        if (this.runningPromise === p) this.runningPromise = undefined
      })
    return p
  }

  private async importOnce(opts: { signal?: AbortSignal }): Promise<ImportResult> {
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

    let lastFileWrite = 0
    const tracker = new ImportProgressTracker((p) => {
      this.emit('progress', p)
      // Other processes (the CLI beside the app) see progress through this snapshot.
      if (p.importing && Date.now() - lastFileWrite >= PROGRESS_FILE_MS) {
        lastFileWrite = Date.now()
        void writeSnapshot(this.progressPath, p)
      }
    })
    this.running = { abort, tracker }
    const poll = setInterval(() => {
      void lock.stopRequested().then((yes) => yes && abort.abort())
    }, STOP_POLL_MS)

    let result: ImportResult
    try {
      const [sources, settings] = await Promise.all([this.deps.listSources(), this.deps.getSettings()])
      this.hashPool ??= new HashPool()
      result = await runImport({
        dataDir: this.deps.dataDir,
        sources,
        settings,
        store: this.store,
        cache: this.cache,
        hashPool: this.hashPool,
        tracker,
        signal: abort.signal,
        freeSpaceMarginBytes: this.deps.freeSpaceMarginBytes ?? 64 * 1024 * 1024,
        tuning: this.deps.tuning,
        resourcesChanged: () => this.emit('resources-changed')
      })
    } catch (err) {
      const e = toErrorShape(err)
      const now = new Date().toISOString()
      result = {
        ok: false,
        started_at: now,
        finished_at: now,
        downloaded_bytes: 0,
        failures: [e],
        notes: [],
        stopped: false
      }
    } finally {
      clearInterval(poll)
      opts.signal?.removeEventListener('abort', onAbort)
      tracker.phase = 'idle'
      tracker.flush()
      this.running = undefined
      await rm(this.progressPath, { force: true })
      // Last line of defence: the result goes to the renderer (importFinished) and to disk.
      result = scrubImportResult(result!)
      await writeFileAtomic(this.resultPath, JSON.stringify(result, null, 1)).catch(() => undefined)
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
      progress: this.running ? this.running.tracker.snapshot() : importing ? await this.readSnapshot() : null,
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
    const result = await readJsonFile<ImportResult>(this.resultPath).catch(() => undefined)
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
   * partials resume cleanly), and releases the hash workers. The engine stays usable afterwards.
   */
  async dispose(): Promise<void> {
    if (this.running) this.running.abort.abort()
    await this.runningPromise?.catch(() => undefined)
    await this.hashPool?.destroy()
    this.hashPool = undefined
  }

  private async liveStates(): Promise<Map<number, LiveResourceState>> {
    if (this.running) return this.running.tracker.live()
    const out = new Map<number, LiveResourceState>()
    if (!(await lockHolder(this.deps.dataDir))) return out
    const snap = await this.readSnapshot()
    for (const r of snap?.resources ?? []) {
      if (r.percent < 100)
        out.set(r.id, {
          state: r.status.startsWith('Downloading') ? 'downloading' : 'queued',
          percent: r.percent
        })
    }
    return out
  }

  private async readSnapshot(): Promise<ImportProgress | null> {
    try {
      return JSON.parse(await readFile(this.progressPath, 'utf8')) as ImportProgress
    } catch {
      return null
    }
  }
}

/** Best effort, no fsync: a progress snapshot is worthless after a crash anyway. */
async function writeSnapshot(path: string, p: ImportProgress): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`
  try {
    await writeFile(tmp, JSON.stringify(p))
    await rename(tmp, path)
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined)
  }
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
