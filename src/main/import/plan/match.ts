/** MAAS selection matching: os/release exact or `*`; arches/subarches/labels lists contain the value or `*`. */
import type { BootSourceSelection } from '../../../shared/types'

export interface MatchFields {
  os: string
  release: string
  arch: string
  subarch: string
  label: string
}

function scalarMatches(wanted: string, value: string): boolean {
  return wanted === '*' || wanted === value
}

function listMatches(wanted: readonly string[], value: string): boolean {
  return wanted.includes('*') || wanted.includes(value)
}

export function selectionMatches(sel: BootSourceSelection, f: MatchFields): boolean {
  return (
    scalarMatches(sel.os, f.os) &&
    scalarMatches(sel.release, f.release) &&
    listMatches(sel.arches, f.arch) &&
    listMatches(sel.subarches, f.subarch) &&
    listMatches(sel.labels, f.label)
  )
}

export function anySelectionMatches(sels: readonly BootSourceSelection[], f: MatchFields): boolean {
  return sels.some((s) => selectionMatches(s, f))
}
