/**
 * Sorting the boot resources table by a column, as MAAS's table sorts: within each section (OS),
 * ties kept in the default order (newest release first, MAAS's architecture order).
 */
import { compareArches } from './image-grid'
import { statusRank, type ResourceGroup } from './resource-groups'

export type SortKey = 'release' | 'arch' | 'size' | 'status' | 'version' | 'lastSynced'
export type SortDirection = 'ascending' | 'descending'
export interface SortOrder {
  key: SortKey
  direction: SortDirection
}

/** Absent values (no size yet, never synced) sort last whichever the direction. */
function compareMaybe<T>(a: T | null, b: T | null, compare: (x: T, y: T) => number, sign: number): number {
  if (a === null && b === null) return 0
  if (a === null) return 1
  if (b === null) return -1
  return sign * compare(a, b)
}

const byText = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true })

export function sortGroups(groups: ResourceGroup[], order: SortOrder | null): ResourceGroup[] {
  if (!order) return groups
  const sign = order.direction === 'ascending' ? 1 : -1
  const compare = (a: ResourceGroup, b: ResourceGroup): number => {
    switch (order.key) {
      case 'release':
        return sign * byText(a.title || a.name, b.title || b.name)
      case 'arch':
        return sign * compareArches(a.arch, b.arch)
      case 'size':
        return compareMaybe(a.size, b.size, (x, y) => x - y, sign)
      case 'status':
        return sign * (statusRank(a.status) - statusRank(b.status) || byText(a.status, b.status))
      case 'version':
        return compareMaybe(a.version, b.version, byText, sign)
      case 'lastSynced':
        return compareMaybe(a.lastSynced, b.lastSynced, byText, sign)
    }
  }
  return groups
    .map((g, i) => ({ g, i }))
    .sort((x, y) => compare(x.g, y.g) || x.i - y.i)
    .map(({ g }) => g)
}

/** A click on a column: sort by it ascending, or flip it when it already is the sort. */
export function nextOrder(current: SortOrder | null, key: SortKey): SortOrder {
  if (current?.key === key)
    return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
  return { key, direction: 'ascending' }
}
