/**
 * Boot resources and the import engine: the resources list, whether an import runs, its live
 * progress (importProgress events), the last result and the next automatic sync.
 */
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref } from 'vue'
import type { BootResource, ImportProgress, ImportResult } from '@shared/types'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'
import { latestOnly } from '../logic/latest-only'

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

/** Main stops an import within 2 s; a busy disk or slow worker gets some slack beyond that. */
const STOP_WAIT_MS = 30_000

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

  async function loadStatus(): Promise<void> {
    try {
      const status = await getBridge().getImportStatus()
      importing.value = status.importing
      progress.value = status.progress
      lastResult.value = status.last_result
      nextSyncAt.value = status.next_sync_at
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

  const unsubscribers: Array<() => void> = []
  /** Subscribe to main's import events once. Progress arrives at most 10 times a second. */
  function listen(): void {
    if (unsubscribers.length) return
    try {
      const bridge = getBridge()
      unsubscribers.push(
        bridge.on('importProgress', (p) => {
          lastEventAt = Date.now()
          progress.value = p
          importing.value = p.importing
          // An image just completed: read the list again so its row shows its size, version and
          // date instead of the placeholders it had while queued.
          const complete = p.resources.filter((r) => r.percent >= 100).length
          if (complete > completeSeen) void loadResources()
          completeSeen = complete
        }),
        bridge.on('importFinished', (result) => {
          completeSeen = 0
          lastResult.value = result
          importing.value = false
          progress.value = null
          void loadResources()
        }),
        bridge.on('resourcesChanged', () => void loadResources()),
        bridge.on('syncScheduleChanged', ({ next_sync_at }) => {
          nextSyncAt.value = next_sync_at
        })
      )
    } catch (err) {
      error.value = errorMessage(err)
    }
  }
  onScopeDispose(() => unsubscribers.splice(0).forEach((off) => off()))

  /** "Sync": resolves to main's message; rejects with the BridgeError when main refuses. */
  async function start(): Promise<{ started: boolean; message: string }> {
    const result = await getBridge().startImport()
    importing.value = true
    return result
  }

  /**
   * MAAS's "Save and sync": a running import is stopped (it works from the old selections), and a
   * new one starts once it has let go of the lock. Waits at most STOP_WAIT_MS for the stop.
   */
  async function restart(): Promise<{ started: boolean; message: string }> {
    const bridge = getBridge()
    if ((await bridge.getImportStatus()).importing) {
      await bridge.stopImport()
      const deadline = Date.now() + STOP_WAIT_MS
      while ((await bridge.getImportStatus()).importing) {
        if (Date.now() > deadline)
          throw new Error(
            `the running import did not stop within ${STOP_WAIT_MS / 1000} s; click Sync once it has`
          )
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }
    return start()
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
