/**
 * Pure logic behind the Images page's "Ubuntu releases" and "Other images" tables: which
 * release × arch cells a catalogue offers, which ones the selections already tick, and which
 * selection requests turn the ticked cells into saved selections. Kept free of Vue and the
 * bridge so it can be tested on its own.
 */
import type { BootSourceSelection, CatalogueEntry, CatalogueGroup } from '@shared/types'
import { selectionCovers } from '@shared/selection-rules'
import type { RequestInput } from '@shared/ipc-contract'

export interface KernelInfo {
  subarch: string
  /** GA, HWE, HWE edge or the raw subarch for anything else */
  kind: string
  kflavor: string
}

export interface ReleaseRow {
  /** `${os}/${release}` */
  key: string
  os: string
  release: string
  title: string
  support_eol: string
  /** a long-term support release ("24.04 LTS"): listed first, as MAAS does */
  lts: boolean
  /** arches this release is offered for */
  arches: string[]
  kernels: KernelInfo[]
}

export interface ImageGrid {
  rows: ReleaseRow[]
  /** column order: the usual MAAS arches first, then the rest alphabetically */
  arches: string[]
}

const ARCH_ORDER = ['amd64', 'arm64', 'armhf', 'i386', 'ppc64el', 's390x', 'riscv64']

export function compareArches(a: string, b: string): number {
  const ia = ARCH_ORDER.indexOf(a)
  const ib = ARCH_ORDER.indexOf(b)
  if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib)
  return a.localeCompare(b)
}

export function kernelKind(subarch: string): string {
  if (subarch.startsWith('ga-')) return 'GA'
  if (subarch.startsWith('hwe-') && subarch.endsWith('-edge')) return 'HWE edge'
  if (subarch.startsWith('hwe-')) return 'HWE'
  return subarch
}

export const cellKey = (os: string, release: string, arch: string): string => `${os}/${release}/${arch}`
export const releaseKey = (os: string, release: string): string => `${os}/${release}`

/** Newest first: "24.04 LTS" before "22.04 LTS", "CentOS 8" before "CentOS 7". */
function compareRowsNewestFirst(a: ReleaseRow, b: ReleaseRow): number {
  const byTitle = (b.title || b.release).localeCompare(a.title || a.release, undefined, { numeric: true })
  return byTitle !== 0 ? byTitle : a.key.localeCompare(b.key)
}

export function buildGrid(
  entries: CatalogueEntry[],
  group: Exclude<CatalogueGroup, 'bootloader'>
): ImageGrid {
  const rows = new Map<string, ReleaseRow>()
  const allArches = new Set<string>()
  for (const e of entries) {
    if (e.group !== group || !e.release) continue
    const key = releaseKey(e.os, e.release)
    let row = rows.get(key)
    if (!row) {
      row = {
        key,
        os: e.os,
        release: e.release,
        title: e.release_title,
        support_eol: e.support_eol,
        lts: /\bLTS\b/.test(e.release_title),
        arches: [],
        kernels: []
      }
      rows.set(key, row)
    }
    if (!row.arches.includes(e.arch)) row.arches.push(e.arch)
    allArches.add(e.arch)
    if (e.subarch && !row.kernels.some((k) => k.subarch === e.subarch && k.kflavor === e.kflavor)) {
      row.kernels.push({ subarch: e.subarch, kind: kernelKind(e.subarch), kflavor: e.kflavor })
    }
  }
  for (const row of rows.values()) {
    row.arches.sort(compareArches)
    row.kernels.sort((a, b) => a.subarch.localeCompare(b.subarch, undefined, { numeric: true }))
  }
  return { rows: [...rows.values()].sort(compareRowsNewestFirst), arches: [...allArches].sort(compareArches) }
}

export interface ReleaseGroup {
  /** "LTS releases" or "Non-LTS releases"; empty when a grid has no LTS to set apart */
  label: string
  rows: ReleaseRow[]
}

/** MAAS lists LTS releases first, then the others, each newest first. */
export function groupByLts(rows: ReleaseRow[]): ReleaseGroup[] {
  const lts = rows.filter((r) => r.lts)
  if (!lts.length) return [{ label: '', rows }]
  const others = rows.filter((r) => !r.lts)
  return [
    { label: 'LTS releases', rows: lts },
    ...(others.length ? [{ label: 'Non-LTS releases', rows: others }] : [])
  ]
}

/** The grid with the columns of every grid shown with it, so their architecture columns line up. */
export function withArches(grid: ImageGrid, arches: string[]): ImageGrid {
  return { ...grid, arches }
}

export function unionArches(grids: ImageGrid[]): string[] {
  return [...new Set(grids.flatMap((g) => g.arches))].sort(compareArches)
}

/** The rows whose title, codename, OS or architectures contain every word of the query. */
export function filterGrid(grid: ImageGrid, query: string): ImageGrid {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean)
  if (!words.length) return grid
  const rows = grid.rows.filter((row) => {
    const text = [row.title, row.release, row.os, ...row.arches].join(' ').toLowerCase()
    return words.every((w) => text.includes(w))
  })
  return { ...grid, rows }
}

/** "arm64 is not available on 25.04": the visible reason a release's cell cannot be ticked. */
export function unavailableReason(row: ReleaseRow, arches: string[]): string | null {
  const missing = arches.filter((a) => !row.arches.includes(a))
  if (!missing.length) return null
  const name = row.title || row.release
  return `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not available on ${name}`
}

export interface CellState {
  checked: Set<string>
  /** cells ticked by a wildcard selection (os or release `*`): shown ticked, edited on Sources */
  lockedBy: Map<string, BootSourceSelection>
}

/** Which cells the current selections tick. */
export function initialCells(grid: ImageGrid, selections: BootSourceSelection[]): CellState {
  const checked = new Set<string>()
  const lockedBy = new Map<string, BootSourceSelection>()
  for (const row of grid.rows) {
    for (const arch of row.arches) {
      const key = cellKey(row.os, row.release, arch)
      for (const sel of selections) {
        if (!selectionCovers(sel, { os: row.os, release: row.release, arch })) continue
        if (sel.os === '*' || sel.release === '*') lockedBy.set(key, sel)
        else checked.add(key)
      }
    }
  }
  return { checked, lockedBy }
}

/** One selection request the grid's Save sends; each `arg` is the contract's argument type. */
export type SelectionOp =
  | { kind: 'create'; arg: RequestInput<'createSelection'> }
  | { kind: 'update'; selection: BootSourceSelection; arg: RequestInput<'updateSelection'> }
  | { kind: 'delete'; selection: BootSourceSelection; arg: RequestInput<'deleteSelection'> }

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x) => b.includes(x))

/**
 * The requests that make the saved selections match the ticked cells: one selection per
 * (os, release) with its arches; new ones get subarches and labels `*` as MAAS's UI does, and an
 * existing selection keeps its subarches and labels. Only rows the grid shows are touched, and
 * arches a selection names that the stream doesn't offer are kept, so nothing is lost silently.
 */
export function planSelectionOps(
  sourceId: number,
  grids: ImageGrid[],
  selections: BootSourceSelection[],
  checked: Set<string>
): SelectionOp[] {
  const ops: SelectionOp[] = []
  for (const grid of grids) {
    for (const row of grid.rows) {
      const wanted = row.arches.filter((arch) => checked.has(cellKey(row.os, row.release, arch)))
      const existing = selections.find((s) => s.os === row.os && s.release === row.release)
      if (!existing) {
        if (wanted.length)
          ops.push({
            kind: 'create',
            arg: {
              boot_source_id: sourceId,
              os: row.os,
              release: row.release,
              arches: wanted,
              subarches: ['*'],
              labels: ['*']
            }
          })
        continue
      }
      if (existing.arches.includes('*') && sameSet(wanted, row.arches)) continue
      const offStream = existing.arches.filter((a) => a !== '*' && !row.arches.includes(a))
      const next = [...wanted, ...offStream]
      if (next.length === 0) {
        ops.push({ kind: 'delete', selection: existing, arg: { boot_source_id: sourceId, id: existing.id } })
      } else if (existing.arches.includes('*') || !sameSet(next, existing.arches)) {
        ops.push({
          kind: 'update',
          selection: existing,
          arg: { boot_source_id: sourceId, id: existing.id, arches: next }
        })
      }
    }
  }
  // Deletes first, then updates, then creates: the order a human would do it, and the one that
  // never trips the (source, os, release) uniqueness rule.
  const rank = { delete: 0, update: 1, create: 2 }
  return ops.sort((a, b) => rank[a.kind] - rank[b.kind])
}

/** Selections the tables can't show (release gone from the stream, or a wildcard). */
export function selectionsOutsideGrid(
  grids: ImageGrid[],
  selections: BootSourceSelection[]
): BootSourceSelection[] {
  const shown = new Set(grids.flatMap((g) => g.rows.map((r) => r.key)))
  return selections.filter((s) => !shown.has(releaseKey(s.os, s.release)))
}

export const LAST_COMMISSIONING_ARCH_REASON =
  'Cannot deselect the last architecture of the default commissioning release: machines could not commission.'

/**
 * True when unticking `key` would leave the default commissioning release (`os/release`) with no
 * architecture ticked: MAAS refuses that, since machines could no longer commission.
 */
export function isLastCommissioningArch(
  commissioning: string | null,
  cells: Array<{ key: string; os: string; release: string }>,
  checked: ReadonlySet<string>,
  key: string
): boolean {
  if (!commissioning || !checked.has(key)) return false
  const mine = cells.filter((c) => releaseKey(c.os, c.release) === commissioning)
  if (!mine.some((c) => c.key === key)) return false
  return mine.filter((c) => checked.has(c.key)).length === 1
}
