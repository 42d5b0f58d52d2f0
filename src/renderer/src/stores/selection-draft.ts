/**
 * The Images page's unsaved ticks, shared by the selection grid (which edits them) and the images
 * table (which shows them as "Selected for download" / "Will be deleted" rows, as MAAS does).
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OfferedCell } from '../logic/pending-changes'
import { errorClause } from '../logic/error-message'
import { savedSummary, type SelectionChanges } from '../logic/selection-save'
import { useImportsStore } from './imports'
import { useSourcesStore } from './sources'

export const useSelectionDraftStore = defineStore('selection-draft', () => {
  const sourcesStore = useSourcesStore()
  const imports = useImportsStore()
  /** the source whose selections the grid edits */
  const sourceId = ref<number | null>(null)
  const checked = ref(new Set<string>())
  /** cells ticked by wildcard selections: shown ticked, not editable here */
  const locked = ref(new Set<string>())
  const offered = ref<OfferedCell[]>([])
  /** the admin has ticked or unticked something since the last save */
  const touched = ref(false)
  const saved = ref(new Set<string>())
  /** what the last save did, in words: shown on Images, where Change source's Update selection returns to */
  const savedNotice = ref<string | null>(null)

  /** Saved state changed (a reload, the CLI): follow it unless the admin is editing. */
  function follow(
    id: number | null,
    baseline: Set<string>,
    wildcard: Set<string>,
    cells: OfferedCell[]
  ): void {
    if (id !== sourceId.value) touched.value = false
    sourceId.value = id
    saved.value = baseline
    locked.value = wildcard
    offered.value = cells
    if (!touched.value) checked.value = new Set(baseline)
  }

  function toggle(key: string, value: boolean): void {
    const next = new Set(checked.value)
    if (value) next.add(key)
    else next.delete(key)
    checked.value = next
    touched.value = true
  }

  function discard(): void {
    touched.value = false
    checked.value = new Set(saved.value)
  }

  /**
   * MAAS's "Save and sync". Main applies the whole change or, refusing, none of it (the ticks then stay
   * for another try); then main restarts the import and answers once the new one runs. Resolves to what
   * to tell the admin; rejects with the reason, naming what was saved when only the sync failed.
   */
  async function saveAndSync(changes: SelectionChanges): Promise<string> {
    const applied = await sourcesStore.applySelectionChanges(changes)
    touched.value = false
    const summary = savedSummary(applied)
    try {
      await imports.restart()
    } catch (err) {
      throw new Error(`${summary} The sync did not start: ${errorClause(err)}`)
    }
    return `${summary} Sync started.`
  }

  /**
   * Change source's "Update selection": main saves the connected source and this selection change together (or
   * neither), then the import restarts from the saved source.
   */
  async function saveConnectedAndSync(connectionId: string, changes: SelectionChanges): Promise<string> {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { boot_source_id, ...selection } = changes
    const saved = await sourcesStore.saveConnectedSource({ connection_id: connectionId, ...selection })
    touched.value = false
    const summary = `Source ${saved.source.url} saved. ${savedSummary(saved.applied)}`
    try {
      await imports.restart()
    } catch (err) {
      throw new Error(`${summary} The sync did not start: ${errorClause(err)}`)
    }
    return `${summary} Sync started.`
  }

  return {
    savedNotice,
    saveConnectedAndSync,
    sourceId,
    checked,
    locked,
    offered,
    touched,
    saved,
    follow,
    toggle,
    discard,
    saveAndSync
  }
})
