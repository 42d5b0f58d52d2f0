/**
 * A desktop notification when something long finishes while the user looks elsewhere. Imports use
 * it today; staging reuses `notifyInBackground` for its own "finished" message.
 */
import type { ImportResult } from '../../shared/types'
import type { AppEvents } from '../services/events'

export interface NotifyDeps {
  /** is the app's window focused? (no window counts as background) */
  isForeground(): boolean
  isSupported(): boolean
  show(note: { title: string; body: string }): void
}

/** Shows the note only when the window is in the background; returns whether it did. */
export function notifyInBackground(deps: NotifyDeps, note: { title: string; body: string }): boolean {
  if (deps.isForeground() || !deps.isSupported()) return false
  deps.show(note)
  return true
}

/** The words for a finished import. */
export function importFinishedNote(result: ImportResult): { title: string; body: string } {
  if (result.stopped) return { title: 'Import stopped', body: 'The import of boot resources was stopped.' }
  if (result.ok) return { title: 'Import finished', body: 'The boot resources are synced.' }
  const n = result.failures.length
  const first = result.failures[0]?.message ?? 'see the Images page'
  return {
    title: 'Import failed',
    body: n > 1 ? `${n} problems; the first: ${first}` : first
  }
}

/** Notifies each finished import that ends while the window is in the background; returns an unsubscribe. */
export function notifyImportsInBackground(events: AppEvents, deps: NotifyDeps): () => void {
  return events.on('importFinished', (result) => notifyInBackground(deps, importFinishedNote(result)))
}
