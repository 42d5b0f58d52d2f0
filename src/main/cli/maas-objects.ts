/**
 * The CLI's objects as MAAS's API gives them: `resource_uri`, so scripts that take ids from it carry over
 * (MAAS's URIs name no host and no profile, `/MAAS/api/2.0/boot-sources/1/`, so neither do these), a boot
 * resource's keys, and `boot-resources read`'s filter and order.
 */
import { AppError } from '@shared/errors'
import type {
  BootResource,
  BootResourceFile,
  BootResourceSet,
  BootSource,
  BootSourceSelection
} from '@shared/types'

const API = '/MAAS/api/2.0'

export type WithUri<T> = T & { resource_uri: string }

export function sourceUri(s: Pick<BootSource, 'id'>): string {
  return `${API}/boot-sources/${s.id}/`
}

export function selectionUri(s: Pick<BootSourceSelection, 'id' | 'boot_source_id'>): string {
  return `${API}/boot-sources/${s.boot_source_id}/selections/${s.id}/`
}

export function resourceUri(r: Pick<BootResource, 'id'>): string {
  return `${API}/boot-resources/${r.id}/`
}

export const withSourceUri = (s: BootSource): WithUri<BootSource> => ({ ...s, resource_uri: sourceUri(s) })
export const withSelectionUri = (s: BootSourceSelection): WithUri<BootSourceSelection> => ({
  ...s,
  resource_uri: selectionUri(s)
})

/** MAAS gives `progress` only while a set or file is incomplete (api/boot_resources.py, the *_to_dict helpers). */
type ProgressWhileIncomplete<T extends { progress: number }> = Omit<T, 'progress'> & { progress?: number }

export type MaasResourceSet = ProgressWhileIncomplete<Omit<BootResourceSet, 'files'>> & {
  files: Record<string, ProgressWhileIncomplete<BootResourceFile>>
}

/** A boot resource as MAAS gives it; a bootloader has no `title` and no `subarches`. */
export type MaasBootResource = WithUri<Omit<BootResource, 'title' | 'subarches' | 'sets'>> &
  Partial<Pick<BootResource, 'title' | 'subarches'>> & { sets?: Record<string, MaasResourceSet> }

function progressWhileIncomplete<T extends { complete: boolean; progress: number }>(
  x: T
): ProgressWhileIncomplete<T> {
  if (!x.complete) return x
  const { progress: _progress, ...rest } = x
  return rest
}

function maasSet(set: BootResourceSet): MaasResourceSet {
  const files = Object.entries(set.files).map(([name, f]) => [name, progressWhileIncomplete(f)] as const)
  return { ...progressWhileIncomplete(set), files: Object.fromEntries(files) }
}

/**
 * A boot resource as MAAS's API gives it (MAAS 3.7.3, maasserver/api/boot_resources.py,
 * boot_resource_to_dict), with its `resource_uri`. MAAS adds `title` and `subarches` from the resource's
 * `extra`, which its import fills from the product's `subarches` and `os_title`/`release_title`
 * (maasserver/bootresources.py:285-295); bootloader products carry neither, so MAAS's bootloaders have
 * neither key (as its example boot-resources.json shows).
 */
export function withResourceUri(r: BootResource): MaasBootResource {
  const { title, subarches, sets, ...rest } = r
  const out: MaasBootResource = { ...rest, resource_uri: resourceUri(r) }
  if (!r.bootloader) Object.assign(out, { subarches, title })
  if (sets) out.sets = Object.fromEntries(Object.entries(sets).map(([v, set]) => [v, maasSet(set)]))
  return out
}

/** MAAS's `?type=` of `boot-resources read`, and the types each takes. */
const TYPES: Record<string, ReadonlyArray<BootResource['type']>> = {
  all: ['Synced', 'Uploaded', 'Generated'],
  synced: ['Synced'],
  uploaded: ['Uploaded']
}

/** MAAS's order: rtype (Synced, Generated, Uploaded: its enum's numbers), then name, then architecture. */
const RTYPE_ORDER: Record<BootResource['type'], number> = { Synced: 0, Generated: 1, Uploaded: 2 }

/** Filters and orders `boot-resources read` as MAAS does; an unknown type gets MAAS's 400 text. */
export function maasResourceList(list: readonly BootResource[], type = 'all'): MaasBootResource[] {
  const types = Object.hasOwn(TYPES, type) ? TYPES[type] : undefined
  if (!types)
    throw new AppError(
      'invalid_argument',
      `'${type}' is not a valid boot resource type. Available types: ['synced', 'uploaded']`
    )
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  return list
    .filter((r) => types.includes(r.type))
    .sort(
      (a, b) =>
        RTYPE_ORDER[a.type] - RTYPE_ORDER[b.type] ||
        cmp(a.name, b.name) ||
        cmp(a.architecture, b.architecture)
    )
    .map(withResourceUri)
}
