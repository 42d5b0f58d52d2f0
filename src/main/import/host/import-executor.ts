/**
 * Where the work of one import runs (metadata reads, plan, downloads, hashing, cache writes, journal): the
 * engine (engine.ts) keeps the lock, the stop request and the result file, and hands the rest to an
 * executor. In this process (in-process-executor.ts; the CLI) or in a separate execution context
 * (worker-executor.ts; the app's utility process, a worker thread for plain-Node hosts).
 */
import type { BootSource, BootSourceSelection, ImportProgress, ImportResult, Settings } from '@shared/types'
import { toErrorShape } from '@shared/errors'
import type { DownloaderOptions } from '../download/downloader'

/** The downloader knobs tests and benchmarks set that can cross to another process (numbers only). */
export const SERIALISABLE_TUNING = [
  'minSplitBytes',
  'stallTimeoutMs',
  'connectTimeoutMs',
  'maxAttempts',
  'backoffMs',
  'requestBytes'
] as const satisfies ReadonlyArray<keyof DownloaderOptions>

export type ImportTuning = Partial<Pick<DownloaderOptions, (typeof SERIALISABLE_TUNING)[number]>>

export interface ImportRunOptions {
  dataDir: string
  sources: Array<{ source: BootSource; selections: BootSourceSelection[] }>
  settings: Settings
  /** free space kept beyond the bytes to download */
  freeSpaceMarginBytes: number
  /** downloader knobs; only the in-process executor takes non-serialisable ones (a fetch stub) */
  tuning?: Partial<DownloaderOptions>
}

export interface ImportRunHooks {
  /** aborting it stops the import; it then resolves with a result marked stopped */
  signal: AbortSignal
  /** at most 10 a second; the last one of a run says importing: false */
  progress(p: ImportProgress): void
  resourcesChanged(): void
}

export interface ImportExecutor {
  /** where imports run, for messages: "in this process", "in a worker thread", "in a utility process" */
  readonly where: string
  /**
   * Runs one import while the caller holds the import lock. Import failures are in the result; a
   * rejection means the import itself could not run to its end (its execution context died).
   */
  run(options: ImportRunOptions, hooks: ImportRunHooks): Promise<ImportResult>
  /** Releases what the executor keeps between imports (hash workers). Call when no import runs. */
  dispose(): Promise<void>
}

/** The result of an import that could not run: the error, as the one failure. */
export function failedImportResult(err: unknown, startedAt = new Date().toISOString()): ImportResult {
  const e = toErrorShape(err)
  return {
    ok: false,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    downloaded_bytes: 0,
    failures: [e],
    notes: [],
    stopped: false
  }
}

/** The progress an import starts with, before its first event. */
export function initialProgress(): ImportProgress {
  return {
    importing: true,
    phase: 'metadata',
    bytes_done: 0,
    bytes_total: 0,
    rate: 0,
    eta: null,
    files_done: 0,
    files_total: 0,
    resources: []
  }
}
