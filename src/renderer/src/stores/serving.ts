/** The app's mirror server for a MAAS region: on/off, loopback or the LAN, and the URL to copy. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { DEFAULT_SERVE_PORT, servePortProblem } from '@shared/serve-port'
import type { ServingStatus } from '@shared/types'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'

export const useServingStore = defineStore('serving', () => {
  const status = ref<ServingStatus | null>(null)
  const lan = ref(false)
  /** the port as typed; checked before starting */
  const port = ref(String(DEFAULT_SERVE_PORT))
  const busy = ref(false)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    try {
      status.value = await getBridge().getServingStatus()
      if (status.value.address === '0.0.0.0') lan.value = true
      if (status.value.port) port.value = String(status.value.port)
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  const portProblem = computed(() => servePortProblem(port.value))
  /** served beyond loopback: every machine that can reach this one can read the images */
  const onNetwork = computed(() => !!status.value?.serving && status.value.address !== '127.0.0.1')

  async function copyUrl(): Promise<void> {
    if (status.value?.url) await navigator.clipboard?.writeText(status.value.url).catch(() => undefined)
  }

  /** What to serve: the images of a boot source, or a staged folder or drive (`serve dir=`). */
  async function toggle(what: { boot_source_id: number } | { dir: string }): Promise<void> {
    error.value = null
    if (!status.value?.serving && portProblem.value) return
    busy.value = true
    try {
      status.value = status.value?.serving
        ? await getBridge().stopServing()
        : await getBridge().startServing({ ...what, port: Number(port.value), lan: lan.value })
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      busy.value = false
    }
  }

  return { status, lan, port, portProblem, onNetwork, busy, error, load, toggle, copyUrl }
})
