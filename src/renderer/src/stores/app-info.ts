import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '../../../shared/types'
import { getBridge } from '../bridge'

export const useAppInfoStore = defineStore('app-info', () => {
  const info = ref<AppInfo | null>(null)
  async function load(): Promise<void> {
    info.value = await getBridge().getAppInfo()
  }
  return { info, load }
})
