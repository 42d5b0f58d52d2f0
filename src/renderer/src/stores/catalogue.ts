/** What the current source's verified stream offers (getCatalogue), one source at a time. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Catalogue } from '../../../shared/types'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'
import { latestOnly } from '../logic/latest-only'

export const useCatalogueStore = defineStore('catalogue', () => {
  const catalogue = ref<Catalogue | null>(null)
  const sourceId = ref<number | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const latest = latestOnly()

  /** `refresh` asks main to fetch the stream again instead of answering from its verified cache. */
  async function load(boot_source_id: number, refresh = false): Promise<void> {
    const isLatest = latest.begin()
    if (sourceId.value !== boot_source_id) catalogue.value = null
    sourceId.value = boot_source_id
    loading.value = true
    try {
      const result = await getBridge().getCatalogue(
        refresh ? { boot_source_id, refresh } : { boot_source_id }
      )
      if (!isLatest()) return
      catalogue.value = result
      error.value = null
    } catch (err) {
      if (isLatest()) error.value = errorMessage(err)
    } finally {
      if (isLatest()) loading.value = false
    }
  }

  function clear(): void {
    latest.invalidate()
    catalogue.value = null
    sourceId.value = null
    loading.value = false
    error.value = null
  }

  return { catalogue, sourceId, loading, error, load, clear }
})
