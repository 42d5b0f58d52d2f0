/**
 * Every path in the data directory, named in one place. Nothing else in main joins a file name onto
 * the data directory: stores, caches and locks take their paths from here, so the layout can be read
 * (and changed) at a glance, and two modules cannot disagree about where a file lives.
 *
 *   state.json, state.lock             boot sources and selections (core/state-store.ts)
 *   settings.json, settings.lock       user settings (core/settings-store.ts)
 *   resources.json, resources.json.lock boot resources (library/resource-store.ts)
 *   cache/sha256/ab/<sha256>           verified blobs (library/blob-cache.ts)
 *   cache/partial/<sha256>.part[.progress] partial downloads and their resume journals
 *   metadata/<sourceId>/               last verified stream metadata per source (streams/metadata-cache.ts)
 *   imported-metadata/<sourceId>/      the metadata the last complete import used (library/imported-metadata.ts),
 *                                      replaced under imported-metadata/<sourceId>.lock (core/blob-dir.ts)
 *   import.lock, import.lock.takeover  one import at a time, across processes (import/import-lock.ts)
 *   import.stop                        asks the running import to stop (import/import-lock.ts)
 *   import-progress.json               the running import's progress, for other processes (import/engine.ts)
 *   last-import.json                   the last import's result (import/engine.ts)
 *   cli-import.log                     what a background `boot-resources import` printed (cli/background-import.ts)
 *   .import-space-reserve              ballast freed when the disk fills (import/download/space-reserve.ts)
 *   window-state.json                  the desktop window's bounds and the one-time notices given (electron-store, shell/)
 */
import { join } from 'node:path'

export interface DataLayout {
  readonly root: string
  readonly state: string
  readonly stateLock: string
  readonly settings: string
  readonly settingsLock: string
  readonly resources: string
  readonly resourcesLock: string
  readonly cache: string
  readonly cacheBlobs: string
  readonly cachePartial: string
  /** blobs that staging is reading: delete and gc leave them alone */
  readonly cachePins: string
  readonly metadata: string
  readonly importedMetadata: string
  readonly importLock: string
  readonly cliImportLog: string
  readonly importLockTakeover: string
  readonly importStop: string
  readonly importProgress: string
  readonly lastImport: string
  readonly spaceReserve: string
  /** electron-store's `name` (it appends .json) with `cwd` = root */
  readonly windowStateName: string
  /** the verified metadata of one boot source */
  metadataFor(sourceId: number): string
  /** the metadata the last complete import of one boot source used */
  importedMetadataFor(sourceId: number): string
}

export function dataLayout(dataDir: string): DataLayout {
  const at = (...parts: string[]): string => join(dataDir, ...parts)
  return {
    root: dataDir,
    state: at('state.json'),
    stateLock: at('state.lock'),
    settings: at('settings.json'),
    settingsLock: at('settings.lock'),
    resources: at('resources.json'),
    resourcesLock: at('resources.json.lock'),
    cache: at('cache'),
    cacheBlobs: at('cache', 'sha256'),
    cachePartial: at('cache', 'partial'),
    cachePins: at('cache', 'pins'),
    metadata: at('metadata'),
    importedMetadata: at('imported-metadata'),
    importLock: at('import.lock'),
    cliImportLog: at('cli-import.log'),
    importLockTakeover: at('import.lock.takeover'),
    importStop: at('import.stop'),
    importProgress: at('import-progress.json'),
    lastImport: at('last-import.json'),
    spaceReserve: at('.import-space-reserve'),
    windowStateName: 'window-state',
    metadataFor: (sourceId) => at('metadata', String(sourceId)),
    importedMetadataFor: (sourceId) => at('imported-metadata', String(sourceId))
  }
}
