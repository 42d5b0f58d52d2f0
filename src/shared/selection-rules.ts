/**
 * MAAS's selection rules, one definition for main (which images an import takes) and the renderer
 * (which grid cells a selection ticks, which rows a delete keeps, what the editor accepts).
 * Free of zod so the renderer bundle does not need it.
 */

/** What a selection's os, release and every list item may be: letters, digits, `. _ + : ~ - *`. */
export const SELECTION_NAME = /^[A-Za-z0-9*._+:~-]+$/
export const SELECTION_NAME_RULE = 'only letters, digits and . _ + : ~ - * are allowed'

export function isSelectionName(value: string): boolean {
  return SELECTION_NAME.test(value)
}

/** A scalar (os, release) matches when it is `*` or equal; a list when it holds `*` or the value. */
export function wildcardMatches(wanted: string | readonly string[], value: string): boolean {
  return typeof wanted === 'string'
    ? wanted === '*' || wanted === value
    : wanted.includes('*') || wanted.includes(value)
}

export interface MatchFields {
  os: string
  release: string
  arch: string
  subarch: string
  label: string
}

/** What a selection matches on (a BootSourceSelection has these; this module needs nothing else of it). */
interface SelectionTerms {
  os: string
  release: string
  arches: readonly string[]
  subarches: readonly string[]
  labels: readonly string[]
}

/** MAAS selection matching: os/release exact or `*`; arches/subarches/labels contain the value or `*`. */
export function selectionMatches(sel: SelectionTerms, f: MatchFields): boolean {
  return (
    selectionCovers(sel, f) &&
    wildcardMatches(sel.subarches, f.subarch) &&
    wildcardMatches(sel.labels, f.label)
  )
}

export function anySelectionMatches(sels: readonly SelectionTerms[], f: MatchFields): boolean {
  return sels.some((s) => selectionMatches(s, f))
}

/**
 * The same rule on os, release and arch alone: an image grid cell (every subarch and label of it)
 * is covered by a selection when these three match.
 */
export function selectionCovers(
  sel: Pick<SelectionTerms, 'os' | 'release' | 'arches'>,
  f: { os: string; release: string; arch: string }
): boolean {
  return (
    wildcardMatches(sel.os, f.os) &&
    wildcardMatches(sel.release, f.release) &&
    wildcardMatches(sel.arches, f.arch)
  )
}
