/**
 * "Save and sync" as data: the grid's planned selection requests as one applySelectionChanges argument,
 * and the sentence that says what main saved.
 */
import type { RequestInput, SelectionChangesApplied } from '@shared/ipc-contract'
import type { SelectionOp } from './image-grid'

export type SelectionChanges = RequestInput<'applySelectionChanges'>

/** One source's whole change, for main to apply at once: every op belongs to `sourceId`. */
export function selectionChanges(sourceId: number, ops: SelectionOp[]): SelectionChanges {
  const changes = {
    boot_source_id: sourceId,
    create: [] as NonNullable<SelectionChanges['create']>,
    update: [] as NonNullable<SelectionChanges['update']>,
    delete: [] as number[]
  }
  for (const op of ops) {
    if (op.kind === 'delete') changes.delete.push(op.arg.id)
    else {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { boot_source_id, ...fields } = op.arg
      if (op.kind === 'create') changes.create.push(fields as (typeof changes.create)[number])
      else changes.update.push(fields as (typeof changes.update)[number])
    }
  }
  return changes
}

/** "Selection saved (2 added, 1 changed)." */
export function savedSummary(
  applied: Pick<SelectionChangesApplied, 'created' | 'updated' | 'deleted'>
): string {
  const parts = [
    applied.created && `${applied.created} added`,
    applied.updated && `${applied.updated} changed`,
    applied.deleted && `${applied.deleted} removed`
  ].filter(Boolean)
  return `Selection saved${parts.length ? ` (${parts.join(', ')})` : ''}.`
}
