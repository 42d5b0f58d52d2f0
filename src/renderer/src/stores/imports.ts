/**
 * Boot resources and the import engine: the resources list, whether an import runs, its live
 * progress (importProgress events), the last result and the next automatic sync.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { BootResource, ImportProgress, ImportResult, ImportStatus } from '@shared/types'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'
import { latestOnly } from '../logic/latest-only'
import { followMainEvents } from './main-events'

export interface ResourceRow extends Omit<BootResource, 'version' | 'size'> {
  /** live status: the progress event's word for this resource wins over the listed one */
  liveStatus: string
  percent: number | null
  size: number | null
  version: string | null
  lastSynced: string | null
}

/** The newest set (serials sort in byte order, as SimpleStreams says) and what it adds up to. */
function latestSet(r: BootResource) {
  const keys = Object.keys(r.sets ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const key = keys[keys.length - 1]
  return key ? r.sets![key] : null
}

export const useImportsStore = defineStore('imports', () => {
  const resources = ref<BootResource[]>([])
  const importing = ref(false)
  const progress = ref<ImportProgress | null>(null)
  const lastResult = ref<ImportResult | null>(null)
  const nextSyncAt = ref<string | null>(null)
  const loaded = ref(false)
  const error = ref<string | null>(null)

  const rows = computed<ResourceRow[]>(() => {
    const live = new Map((progress.value?.resources ?? []).map((p) => [p.id, p]))
    return resources.value.map((r) => {
      const set = latestSet(r)
      const p = importing.value ? live.get(r.id) : undefined
      return {
        ...r,
        liveStatus: p?.status || r.status,
        percent: p ? p.percent : null,
        size: r.size ?? set?.size ?? null,
        version: r.version ?? set?.version ?? null,
        lastSynced: r.last_synced ?? null
      }
    })
  })

  const latestResources = latestOnly()
  async function loadResources(): Promise<void> {
    const isLatest = latestResources.begin()
    try {
      const list = await getBridge().listBootResources()
      if (!isLatest()) return
      resources.value = list
      error.value = null
    } catch (err) {
      if (isLatest()) error.value = errorMessage(err)
    }
  }

  function applyStatus(status: ImportStatus): void {
    importing.value = status.importing
    progress.value = status.progress
    lastResult.value = status.last_result
    nextSyncAt.value = status.next_sync_at
  }

  async function loadStatus(): Promise<void> {
    try {
      applyStatus(await getBridge().getImportStatus())
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  async function load(): Promise<void> {
    await Promise.all([loadResources(), loadStatus()])
    loaded.value = true
  }

  let lastEventAt = 0
  let completeSeen = 0
  /**
   * Catch up with imports this window hears nothing about (the CLI runs its own, in its own
   * process): ask for the status unless progress events are flowing.
   */
  async function refreshIfQuiet(): Promise<void> {
    if (Date.now() - lastEventAt < 5_000) return
    const wasImporting = importing.value
    await loadStatus()
    if (wasImporting && !importing.value) await loadResources()
  }

  /** Subscribe to main's import events once. Progress arrives at most 10 times a second. */
  const { listen } = followMainEvents(
    {
      importProgress: (p) => {
        lastEventAt = Date.now()
        progress.value = p
        importing.value = p.importing
        // An image just completed: read the list again so its row shows its size, version and
        // date instead of the placeholders it had while queued.
        const complete = p.resources.filter((r) => r.percent >= 100).length
        if (complete > completeSeen) void loadResources()
        completeSeen = complete
      },
      importFinished: (result) => {
        completeSeen = 0
        lastResult.value = result
        importing.value = false
        progress.value = null
        void loadResources()
      },
      resourcesChanged: () => void loadResources(),
      syncScheduleChanged: ({ next_sync_at }) => {
        nextSyncAt.value = next_sync_at
      }
    },
    (message) => {
      error.value = message
    }
  )

  /** "Sync": resolves to main's message; rejects with the BridgeError when main refuses. */
  async function start(): Promise<{ started: boolean; message: string }> {
    const result = await getBridge().startImport()
    importing.value = true
    return result
  }

  /**
   * MAAS's "Save and sync": main stops a running import (it works from the old selections), waits until
   * it has ended and starts a new one; this resolves once the new one runs, with its status.
   */
  async function restart(): Promise<void> {
    applyStatus(await getBridge().restartImport())
  }

  /** "Stop import": main cancels within 2 s and keeps the partial files for the next run. */
  async function stop(): Promise<{ stopping: boolean; message: string }> {
    return getBridge().stopImport()
  }

  async function deleteResource(id: number): Promise<void> {
    await getBridge().deleteBootResource({ id })
    await loadResources()
  }

  return {
    resources,
    rows,
    importing,
    progress,
    lastResult,
    nextSyncAt,
    loaded,
    error,
    load,
    loadResources,
    loadStatus,
    refreshIfQuiet,
    listen,
    start,
    restart,
    stop,
    deleteResource
  }
})
