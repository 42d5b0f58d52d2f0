/** The app's mirror server for a MAAS region: on/off, loopback or the LAN, and the URL to copy. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ServingStatus } from '../../../shared/types'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'

export const useServingStore = defineStore('serving', () => {
  const status = ref<ServingStatus | null>(null)
  const lan = ref(false)
  const busy = ref(false)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    try {
      status.value = await getBridge().getServingStatus()
      if (status.value.address === '0.0.0.0') lan.value = true
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  async function toggle(sourceId: number | null, port: number | undefined): Promise<void> {
    busy.value = true
    error.value = null
    try {
      status.value = status.value?.serving
        ? await getBridge().stopServing()
        : await getBridge().startServing({ boot_source_id: sourceId ?? 1, port, lan: lan.value })
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      busy.value = false
    }
  }

  return { status, lan, busy, error, load, toggle }
})
