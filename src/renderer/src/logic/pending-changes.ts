/**
 * What the next sync will change, as MAAS's Images table shows it before a sync: ticked images that
 * are not synced yet ("Selected for download") and synced images no selection keeps ("Will be
 * deleted"). Pure functions over the draft ticks, the saved selections and the boot resources, so
 * they can be tested without Vue.
 */
import type { BootResource, BootSourceSelection } from '@shared/types'
import { selectionCovers } from '@shared/selection-rules'
import { cellKey } from './image-grid'

/** One release × arch the grid offers, with what a pending row shows for it. */
export interface OfferedCell {
  key: string
  os: string
  release: string
  arch: string
  title: string
}

/** `ubuntu/noble` on `amd64/ga-24.04` is the cell `ubuntu/noble/amd64`; bootloaders are no cell. */
export function resourceCell(r: Pick<BootResource, 'name' | 'architecture' | 'bootloader'>): string | null {
  if (r.bootloader) return null
  const [os, release] = r.name.split('/')
  const [arch] = r.architecture.split('/')
  if (!os || !release || !arch) return null
  return cellKey(os, release, arch)
}

/** Ticked cells no resource exists for yet, in the grid's order. */
export function pendingDownloads(
  offered: OfferedCell[],
  checked: ReadonlySet<string>,
  resources: BootResource[]
): OfferedCell[] {
  const have = new Set(resources.map(resourceCell).filter((k): k is string => k !== null))
  return offered.filter((cell) => checked.has(cell.key) && !have.has(cell.key))
}

function selectionKeeps(sel: BootSourceSelection, key: string): boolean {
  const [os, release, arch] = key.split('/')
  return selectionCovers(sel, { os, release, arch })
}

export interface DeletionContext {
  /** the source whose selections the grid edits, and the cells it offers */
  editedSourceId: number | null
  offeredKeys: ReadonlySet<string>
  /** the grid's ticks (unsaved edits included) and the cells wildcard selections tick */
  checked: ReadonlySet<string>
  locked: ReadonlySet<string>
  /** every source's saved selections */
  selectionsBySource: Record<number, BootSourceSelection[]>
}

/**
 * True when the next sync deletes this resource: no selection of any source keeps it, counting
 * the grid's unsaved ticks for the source it edits. Bootloaders always stay.
 */
export function willBeDeleted(r: BootResource, ctx: DeletionContext): boolean {
  const key = resourceCell(r)
  if (key === null) return false
  // Sources not read (yet, or the read failed): nothing is known to be unselected.
  if (Object.keys(ctx.selectionsBySource).length === 0) return false
  for (const [id, selections] of Object.entries(ctx.selectionsBySource)) {
    const edited = Number(id) === ctx.editedSourceId
    // The grid speaks for the edited source's cells it shows; saved selections for the rest.
    if (edited && ctx.offeredKeys.has(key)) {
      if (ctx.checked.has(key) || ctx.locked.has(key)) return false
      continue
    }
    if (selections.some((sel) => selectionKeeps(sel, key))) return false
  }
  return true
}
