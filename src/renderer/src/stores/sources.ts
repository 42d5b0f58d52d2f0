/** Boot sources and their selections, as main reports them. */
import { defineStore } from 'pinia'
import { ref, computed } from 'vue'
import type { BootSource, BootSourceSelection } from '../../../shared/types'
import { getBridge } from '../bridge'

export const useSourcesStore = defineStore('sources', () => {
  const sources = ref<BootSource[]>([])
  const selections = ref<BootSourceSelection[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)

  /** MAAS's Images page works on the first boot source. */
  const current = computed<BootSource | null>(() => sources.value[0] ?? null)

  async function load(): Promise<void> {
    try {
      const bridge = getBridge()
      sources.value = await bridge.listBootSources()
      selections.value = current.value
        ? await bridge.listSelections({ boot_source_id: current.value.id })
        : []
      error.value = null
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
    } finally {
      loaded.value = true
    }
  }

  return { sources, selections, current, loaded, error, load }
})
