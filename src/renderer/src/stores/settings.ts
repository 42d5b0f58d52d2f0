/** The app's Settings (sync schedule, download connections, proxy) as main shows them: passwords masked. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ShownSettings } from '@shared/types'
import type { RequestInput } from '@shared/ipc-contract'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<ShownSettings | null>(null)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    try {
      settings.value = await getBridge().getSettings()
      error.value = null
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  /** Rejects with main's validation message; the saved settings come back as main normalised them. */
  async function save(patch: RequestInput<'updateSettings'>): Promise<ShownSettings> {
    const next = await getBridge().updateSettings(patch)
    settings.value = next
    return next
  }

  return { settings, error, load, save }
})
