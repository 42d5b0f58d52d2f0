/** The selection editor's fields (comma lists, as an admin types them) and their checks. */
import type { BootSourceSelection } from '@shared/types'
import type { RequestInput } from '@shared/ipc-contract'
// The same rule main's schema applies, so the admin hears about it before the request.
import { isSelectionName } from '@shared/selection-rules'

export interface SelectionFields {
  os: string
  release: string
  arches: string
  subarches: string
  labels: string
}

export type SelectionFieldErrors = Partial<Record<keyof SelectionFields, string>>

/** What the editor hands on: a createSelection request without its source, every list given. */
export type SelectionValues = Required<Omit<RequestInput<'createSelection'>, 'boot_source_id'>>

export function fieldsFromSelection(sel: BootSourceSelection | null): SelectionFields {
  return {
    os: sel?.os ?? 'ubuntu',
    release: sel?.release ?? '',
    arches: sel?.arches.join(', ') ?? 'amd64',
    subarches: sel?.subarches.join(', ') ?? '*',
    labels: sel?.labels.join(', ') ?? '*'
  }
}

export const splitList = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)

export function validateSelectionFields(f: SelectionFields): {
  errors: SelectionFieldErrors
  values?: SelectionValues
} {
  const errors: SelectionFieldErrors = {}
  const single = (key: 'os' | 'release', what: string) => {
    const v = f[key].trim()
    if (!v) errors[key] = `Enter the ${what}, or * for all.`
    else if (!isSelectionName(v)) errors[key] = 'Only letters, digits and . _ + : ~ - * are allowed.'
    return v
  }
  const list = (key: 'arches' | 'subarches' | 'labels', what: string) => {
    const items = splitList(f[key])
    if (!items.length) errors[key] = `Enter at least one ${what}, or * for all.`
    else if (items.some((i) => !isSelectionName(i)))
      errors[key] = 'Separate names with commas; only letters, digits and . _ + : ~ - * are allowed.'
    return [...new Set(items)]
  }
  const values = {
    os: single('os', 'operating system'),
    release: single('release', 'release'),
    arches: list('arches', 'architecture'),
    subarches: list('subarches', 'subarchitecture'),
    labels: list('labels', 'label')
  }
  return Object.keys(errors).length ? { errors } : { errors, values }
}
