/**
 * The app's mirror server for a MAAS region: on/off, loopback or the LAN, and the URL to copy. Its error
 * belongs to the Serve card: a port already in use is old news once the port or the network choice changes,
 * and `clearError` lets the card drop it when the admin moves on. A server that stopped by itself (its stick
 * ejected or pulled) is heard through `servingStopped`, and its reason shown as the card's error.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { DEFAULT_SERVE_PORT, servePortProblem } from '@shared/serve-port'
import type { ServingStatus } from '@shared/types'
import { getBridge } from '../bridge'
import { servingStoppedError, stepError, type StepError } from '../logic/staging-screen'
import { followMainEvents } from './main-events'

export const useServingStore = defineStore('serving', () => {
  const status = ref<ServingStatus | null>(null)
  const lan = ref(false)
  /** the port as typed; checked before starting */
  const port = ref(String(DEFAULT_SERVE_PORT))
  const busy = ref(false)
  const error = ref<StepError | null>(null)

  const events = followMainEvents(
    {
      servingStopped: (s) => {
        status.value = s
        error.value = servingStoppedError(s.stopped_reason)
      }
    },
    (message) => {
      error.value = { title: 'The server’s state cannot be followed', message }
    }
  )

  async function load(): Promise<void> {
    events.listen()
    try {
      status.value = await getBridge().getServingStatus()
      if (status.value.address === '0.0.0.0') lan.value = true
      if (status.value.port) port.value = String(status.value.port)
      if (!status.value.serving && status.value.stopped_reason)
        error.value = servingStoppedError(status.value.stopped_reason)
    } catch (err) {
      error.value = stepError('The server’s state could not be read', err)
    }
  }

  function clearError(): void {
    error.value = null
  }
  watch([port, lan], clearError)

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
    const stopping = !!status.value?.serving
    busy.value = true
    try {
      status.value = stopping
        ? await getBridge().stopServing()
        : await getBridge().startServing({ ...what, port: Number(port.value), lan: lan.value })
    } catch (err) {
      error.value = stepError(stopping ? 'Serving did not stop' : 'Serving did not start', err)
    } finally {
      busy.value = false
    }
  }

  return { status, lan, port, portProblem, onNetwork, busy, error, load, toggle, copyUrl, clearError }
})
