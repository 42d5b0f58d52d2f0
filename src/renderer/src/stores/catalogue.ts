/** What the current source's verified stream offers (getCatalogue), one source at a time. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Catalogue } from '@shared/types'
import { getBridge } from '../bridge'
import { cancellable, type Cancellable } from '../bridge/cancellable'
import { BridgeError } from '@shared/bridge-client'
import { errorMessage } from '../logic/error-message'
import { latestOnly } from '../logic/latest-only'

export const useCatalogueStore = defineStore('catalogue', () => {
  const catalogue = ref<Catalogue | null>(null)
  const sourceId = ref<number | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const latest = latestOnly()
  /** the read in flight, which Cancel stops (a slow or stalled mirror should not hold the page) */
  let call: Cancellable | null = null

  // One read per source at a time: Change source's picker and the Images page both ask for the
  // catalogue right after a Connect, and two reads at once would fetch the stream twice and race on
  // main's metadata cache. A second plain load of the same source revision (its `updated`: a
  // Connect moves it) joins the one in flight.
  let inFlight: { key: string; promise: Promise<void> } | null = null

  /**
   * `refresh` asks main to fetch the stream again instead of answering from its verified cache;
   * `revision` is the source's `updated`, so a read of the source before a Connect is never reused.
   */
  function load(boot_source_id: number, refresh = false, revision = ''): Promise<void> {
    const key = `${boot_source_id} ${revision}`
    if (!refresh && inFlight?.key === key) return inFlight.promise
    const promise = read(boot_source_id, refresh).finally(() => {
      if (inFlight?.promise === promise) inFlight = null
    })
    inFlight = { key, promise }
    return promise
  }

  async function read(boot_source_id: number, refresh: boolean): Promise<void> {
    const isLatest = latest.begin()
    if (sourceId.value !== boot_source_id) catalogue.value = null
    sourceId.value = boot_source_id
    loading.value = true
    const thisCall = (call = cancellable())
    try {
      const result = await getBridge().getCatalogue(
        refresh ? { boot_source_id, refresh } : { boot_source_id },
        thisCall.options
      )
      if (!isLatest()) return
      catalogue.value = result
      error.value = null
    } catch (err) {
      // Cancelled by the user: what was shown before stays, with no error to dismiss.
      if (isLatest() && !(err instanceof BridgeError && err.code === 'cancelled'))
        error.value = errorMessage(err)
    } finally {
      if (call === thisCall) call = null
      if (isLatest()) loading.value = false
    }
  }

  /** Stops the read in flight (main aborts its fetches); the page keeps what it showed. */
  async function cancel(): Promise<void> {
    try {
      await call?.cancel()
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  function clear(): void {
    latest.invalidate()
    inFlight = null
    catalogue.value = null
    sourceId.value = null
    loading.value = false
    error.value = null
  }

  return { catalogue, sourceId, loading, error, load, cancel, clear }
})
