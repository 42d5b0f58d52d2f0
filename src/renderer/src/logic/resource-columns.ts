/**
 * The Images table's columns, each defined once (maas-ui's column list): its head, how its cell reads
 * and what it sorts by. The table draws heads, cells and section rows (their colspan) from this list,
 * so adding a column is one entry here plus, for a cell with markup, one template named by its key.
 */
import type { OfferedCell } from './pending-changes'
import type { ResourceGroup } from './resource-groups'
import type { SortKey } from './resource-sort'
import { formatBytes, formatDateTime } from './format'

export type ColumnKey = SortKey | 'actions'

export interface ResourceColumn {
  key: ColumnKey
  label: string
  /** a sortable column sorts by this key (resource-sort.ts) */
  sort?: SortKey
  /** numbers and actions sit on the right, head and cells alike */
  right?: boolean
  /** the cells' other classes */
  cellClass?: string
  /**
   * A plain-text cell: what a synced resource's row shows, and what a "Selected for download" row shows.
   * Absent: the table has a template for this key (a title with chips, a status, a button).
   */
  text?: { resource(g: ResourceGroup): string; pending(cell: OfferedCell): string }
}

const NOT_YET = '—'

export const RESOURCE_COLUMNS: readonly ResourceColumn[] = [
  { key: 'release', label: 'Release', sort: 'release' },
  {
    key: 'arch',
    label: 'Architecture',
    sort: 'arch',
    cellClass: 'u-no-wrap',
    text: { resource: (g) => g.arch, pending: (c) => c.arch }
  },
  {
    key: 'size',
    label: 'Size',
    sort: 'size',
    right: true,
    cellClass: 'u-no-wrap',
    text: { resource: (g) => formatBytes(g.size), pending: () => NOT_YET }
  },
  { key: 'status', label: 'Status', sort: 'status' },
  {
    key: 'version',
    label: 'Version',
    sort: 'version',
    cellClass: 'u-mono u-no-wrap',
    text: { resource: (g) => g.version ?? NOT_YET, pending: () => NOT_YET }
  },
  {
    key: 'lastSynced',
    label: 'Last synced',
    sort: 'lastSynced',
    text: { resource: (g) => formatDateTime(g.lastSynced), pending: () => NOT_YET }
  },
  { key: 'actions', label: 'Actions', right: true }
]
