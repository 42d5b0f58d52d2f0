/**
 * Boot sources and their selections, as main reports them. Actions call the bridge and reload;
 * they let BridgeErrors propagate so the screen that started the action can show the message.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { BootSource, BootSourceSelection, VerifyReport } from '@shared/types'
import type {
  ConnectedSourceSaved,
  RequestInput,
  RequestOptions,
  SelectionChangesApplied,
  SourceConnection
} from '@shared/ipc-contract'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'
import { latestOnly } from '../logic/latest-only'
import { followMainEvents } from './main-events'

export const useSourcesStore = defineStore('sources', () => {
  const sources = ref<BootSource[]>([])
  const selectionsBySource = ref<Record<number, BootSourceSelection[]>>({})
  const loaded = ref(false)
  const error = ref<string | null>(null)

  /** MAAS's Images page works on the first boot source ("MAAS can only practically work with one"). */
  const current = computed<BootSource | null>(() => sources.value[0] ?? null)
  const selections = computed<BootSourceSelection[]>(() =>
    current.value ? (selectionsBySource.value[current.value.id] ?? []) : []
  )

  // A reload can be overtaken by a newer one (sourcesChanged arrives mid-load): only the newest lands.
  const latest = latestOnly()

  async function load(): Promise<void> {
    const isLatest = latest.begin()
    try {
      const bridge = getBridge()
      const list = await bridge.listBootSources()
      const lists = await Promise.all(list.map((s) => bridge.listSelections({ boot_source_id: s.id })))
      if (!isLatest()) return
      sources.value = list
      selectionsBySource.value = Object.fromEntries(list.map((s, i) => [s.id, lists[i]]))
      error.value = null
    } catch (err) {
      if (isLatest()) error.value = errorMessage(err)
    } finally {
      if (isLatest()) loaded.value = true
    }
  }

  /** Follow changes made elsewhere (the CLI, another window, another screen). Idempotent. */
  const { listen } = followMainEvents({ sourcesChanged: () => void load() }, (message) => {
    error.value = message
  })

  /** `options` carries a request id when the caller offers Cancel (a Connect fetches and verifies a stream). */
  async function createSource(
    arg: RequestInput<'createBootSource'>,
    options?: RequestOptions
  ): Promise<BootSource> {
    const created = await (options
      ? getBridge().createBootSource(arg, options)
      : getBridge().createBootSource(arg))
    await load()
    return created
  }
  async function updateSource(
    arg: RequestInput<'updateBootSource'>,
    options?: RequestOptions
  ): Promise<BootSource> {
    const updated = await (options
      ? getBridge().updateBootSource(arg, options)
      : getBridge().updateBootSource(arg))
    await load()
    return updated
  }
  /** Change source's Connect: main fetches and verifies the stream and says what it offers; nothing is saved. */
  function connectSource(
    arg: RequestInput<'connectSource'>,
    options?: RequestOptions
  ): Promise<SourceConnection> {
    return options ? getBridge().connectSource(arg, options) : getBridge().connectSource(arg)
  }
  /** Change source's "Update selection": the connected source and its selections, saved together by main. */
  async function saveConnectedSource(
    arg: RequestInput<'saveConnectedSource'>
  ): Promise<ConnectedSourceSaved> {
    try {
      return await getBridge().saveConnectedSource(arg)
    } finally {
      await load()
    }
  }
  async function deleteSource(id: number): Promise<void> {
    await getBridge().deleteBootSource({ id })
    await load()
  }
  async function createSelection(arg: RequestInput<'createSelection'>): Promise<BootSourceSelection> {
    const created = await getBridge().createSelection(arg)
    await load()
    return created
  }
  async function updateSelection(arg: RequestInput<'updateSelection'>): Promise<BootSourceSelection> {
    const updated = await getBridge().updateSelection(arg)
    await load()
    return updated
  }
  async function deleteSelection(arg: RequestInput<'deleteSelection'>): Promise<void> {
    await getBridge().deleteSelection(arg)
    await load()
  }
  /** main's native file dialog (desktop app only): the keyring file chosen, or null when cancelled */
  async function pickKeyringFile(): Promise<string | null> {
    return (await getBridge().pickKeyringFile()).path
  }
  /**
   * Re-checks a source's signatures without changing anything: who signed each metadata file.
   * `options` carries the request id of the page's Cancel.
   */
  async function verifySource(src: BootSource, options: RequestOptions): Promise<VerifyReport> {
    const keyring = src.keyring_data
      ? { keyring_data: src.keyring_data }
      : { keyring_filename: src.keyring_filename }
    return getBridge().verifyMirror({ location: src.url, ...keyring }, options)
  }
  /** A whole selection change of one source: main applies all of it or, refusing, none of it. */
  async function applySelectionChanges(
    arg: RequestInput<'applySelectionChanges'>
  ): Promise<SelectionChangesApplied> {
    try {
      return await getBridge().applySelectionChanges(arg)
    } finally {
      // Refused, nothing changed; but the list may be stale (the CLI changed it): reading it again is cheap.
      await load()
    }
  }

  return {
    sources,
    selectionsBySource,
    current,
    selections,
    loaded,
    error,
    load,
    listen,
    createSource,
    updateSource,
    deleteSource,
    connectSource,
    saveConnectedSource,
    createSelection,
    updateSelection,
    deleteSelection,
    applySelectionChanges,
    pickKeyringFile,
    verifySource
  }
})
