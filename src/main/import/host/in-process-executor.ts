/**
 * Runs the import in the calling process: the CLI's choice (see services/index.ts), and what the import
 * worker itself runs (worker-side.ts). Keeps one hash pool between imports.
 */
import type { ImportResult } from '@shared/types'
import { BlobCache } from '../../library/blob-cache'
import { ResourceStore } from '../../library/resource-store'
import { HashPool } from '../download/hash-pool'
import { writeProgressSnapshot } from '../import-files'
import { ImportProgressTracker } from '../import-progress'
import { runImport } from '../run-import'
import type { ImportExecutor, ImportRunHooks, ImportRunOptions } from './import-executor'

/** How often the progress snapshot for other processes (the CLI beside the app) is rewritten. */
const PROGRESS_FILE_MS = 1000

export class InProcessImportExecutor implements ImportExecutor {
  readonly where: string
  private hashPool: HashPool | undefined

  constructor(where = 'in this process') {
    this.where = where
  }

  async run(options: ImportRunOptions, hooks: ImportRunHooks): Promise<ImportResult> {
    let lastFileWrite = 0
    let snapshotWrite: Promise<void> = Promise.resolve()
    const tracker = new ImportProgressTracker((p) => {
      hooks.progress(p)
      // Other processes see progress through this snapshot; the engine removes it when the import ends.
      if (p.importing && Date.now() - lastFileWrite >= PROGRESS_FILE_MS) {
        lastFileWrite = Date.now()
        snapshotWrite = snapshotWrite.then(() => writeProgressSnapshot(options.dataDir, p))
      }
    })
    try {
      this.hashPool ??= new HashPool()
      return await runImport({
        dataDir: options.dataDir,
        sources: options.sources,
        settings: options.settings,
        store: new ResourceStore(options.dataDir),
        cache: new BlobCache(options.dataDir),
        hashPool: this.hashPool,
        tracker,
        signal: hooks.signal,
        freeSpaceMarginBytes: options.freeSpaceMarginBytes,
        tuning: options.tuning,
        resourcesChanged: () => hooks.resourcesChanged()
      })
    } finally {
      tracker.phase = 'idle'
      tracker.flush()
      // A snapshot landing after the engine removed the file would show a finished import as running.
      await snapshotWrite
    }
  }

  async dispose(): Promise<void> {
    const pool = this.hashPool
    this.hashPool = undefined
    await pool?.destroy()
  }
}
