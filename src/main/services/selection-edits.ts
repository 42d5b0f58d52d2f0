/**
 * MAAS's rules for one boot source's selections, as changes to the state document: `(source, os, release)`
 * is unique, lists are de-duplicated, a new selection gets subarches and labels `*`. Each function changes
 * the state it is given or throws an AppError naming what was refused; the caller runs them inside one
 * StateStore.update, which saves nothing when any of them throws. So a whole selection change (several
 * creates, updates and deletes) lands at once or not at all.
 */
import type { z } from 'zod'
import { AppError } from '@shared/errors'
import type { BootSourceSelection } from '@shared/types'
import type { createSelectionSchema, selectionChangesSchema, updateSelectionSchema } from '@shared/schemas'
import type { SelectionChangesApplied } from '@shared/ipc-contract'
import type { State } from '../core/state-store'

export type CreateSelection = z.output<typeof createSelectionSchema>
export type UpdateSelection = z.output<typeof updateSelectionSchema>
export type SelectionChanges = z.output<typeof selectionChangesSchema>

const dedupe = (list: string[]): string[] => [...new Set(list)]

const sameName = (a: { os: string; release: string }, b: { os: string; release: string }): boolean =>
  a.os === b.os && a.release === b.release

function duplicateSelection(s: { os: string; release: string }): AppError {
  return new AppError('conflict', `a selection for ${s.os}/${s.release} already exists in this boot source`)
}

function missingSelection(sourceId: number, id: number): AppError {
  return new AppError('not_found', `boot source selection ${id} does not exist in boot source ${sourceId}`)
}

export function assertSourceExists(state: State, sourceId: number): void {
  if (!state.sources.some((s) => s.id === sourceId))
    throw new AppError('not_found', `boot source ${sourceId} does not exist`)
}

export function addSelection(state: State, input: CreateSelection): BootSourceSelection {
  assertSourceExists(state, input.boot_source_id)
  if (state.selections.some((s) => s.boot_source_id === input.boot_source_id && sameName(s, input)))
    throw duplicateSelection(input)
  const selection: BootSourceSelection = {
    id: state.next_ids.selection++,
    boot_source_id: input.boot_source_id,
    os: input.os,
    release: input.release,
    arches: dedupe(input.arches),
    subarches: dedupe(input.subarches ?? ['*']),
    labels: dedupe(input.labels ?? ['*'])
  }
  state.selections.push(selection)
  return selection
}

export function changeSelection(state: State, input: UpdateSelection): BootSourceSelection {
  const selection = state.selections.find(
    (s) => s.id === input.id && s.boot_source_id === input.boot_source_id
  )
  if (!selection) throw missingSelection(input.boot_source_id, input.id)
  const next = {
    os: input.os ?? selection.os,
    release: input.release ?? selection.release,
    arches: dedupe(input.arches ?? selection.arches),
    subarches: dedupe(input.subarches ?? selection.subarches),
    labels: dedupe(input.labels ?? selection.labels)
  }
  const clash = state.selections.some(
    (s) => s.boot_source_id === selection.boot_source_id && s.id !== selection.id && sameName(s, next)
  )
  if (clash) throw duplicateSelection(next)
  Object.assign(selection, next)
  return selection
}

export function removeSelection(state: State, sourceId: number, id: number): void {
  const before = state.selections.length
  state.selections = state.selections.filter((s) => !(s.id === id && s.boot_source_id === sourceId))
  if (state.selections.length === before) throw missingSelection(sourceId, id)
}

/**
 * Deletes, then updates, then creates: the order that never trips the uniqueness rule when a change
 * moves an (os, release) from one selection to another. Any refusal throws before anything is saved.
 */
export function applySelectionChanges(state: State, changes: SelectionChanges): SelectionChangesApplied {
  const sourceId = changes.boot_source_id
  assertSourceExists(state, sourceId)
  for (const id of changes.delete) removeSelection(state, sourceId, id)
  for (const update of changes.update) changeSelection(state, { ...update, boot_source_id: sourceId })
  for (const create of changes.create) addSelection(state, { ...create, boot_source_id: sourceId })
  return {
    created: changes.create.length,
    updated: changes.update.length,
    deleted: changes.delete.length,
    selections: state.selections.filter((s) => s.boot_source_id === sourceId)
  }
}
