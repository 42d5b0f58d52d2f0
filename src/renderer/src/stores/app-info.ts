import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '@shared/types'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'

export const useAppInfoStore = defineStore('app-info', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<string | null>(null)
  async function load(): Promise<void> {
    try {
      info.value = await getBridge().getAppInfo()
      error.value = null
    } catch (err) {
      error.value = errorMessage(err)
    }
  }
  return { info, error, load }
})
