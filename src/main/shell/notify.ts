/**
 * A desktop notification when something long finishes while the user looks elsewhere: an import, or
 * a staging that ran for a while (a short one finishes while the user still watches it).
 */
import type { EventMap } from '@shared/ipc-contract'
import { stagedReadBackWords } from '@shared/read-back-words'
import type { ImportResult } from '@shared/types'
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

/** A staging shorter than this is not worth a notification. */
export const LONG_STAGING_MS = 30_000

/** The words for a finished, stopped or failed staging. */
export function stagingFinishedNote(finished: EventMap['stagingFinished']): { title: string; body: string } {
  const r = finished.result
  if (finished.ok && r)
    return {
      title: 'Staging finished',
      body: `${r.images.length} images onto ${r.target}; ${stagedReadBackWords(r.read_back)}.`
    }
  if (finished.error?.code === 'cancelled') return { title: 'Staging stopped', body: finished.error.message }
  return { title: 'Staging failed', body: finished.error?.message ?? 'See the Staging screen.' }
}

/**
 * Notifies a staging that ran at least `minMs` (timed from its first progress event) and ends while
 * the window is in the background; returns an unsubscribe.
 */
export function notifyStagingInBackground(
  events: AppEvents,
  deps: NotifyDeps,
  opts: { minMs?: number; now?: () => number } = {}
): () => void {
  const now = opts.now ?? Date.now
  let startedAt: number | null = null
  const offProgress = events.on('stagingProgress', () => void (startedAt ??= now()))
  const offFinished = events.on('stagingFinished', (finished) => {
    const ranMs = startedAt === null ? 0 : now() - startedAt
    startedAt = null
    if (ranMs >= (opts.minMs ?? LONG_STAGING_MS)) notifyInBackground(deps, stagingFinishedNote(finished))
  })
  return () => {
    offProgress()
    offFinished()
  }
}

/** Imports and long stagings that finish while the window is in the background; returns an unsubscribe. */
export function notifyLongTasksInBackground(events: AppEvents, deps: NotifyDeps): () => void {
  const offs = [notifyImportsInBackground(events, deps), notifyStagingInBackground(events, deps)]
  return () => offs.forEach((off) => off())
}
