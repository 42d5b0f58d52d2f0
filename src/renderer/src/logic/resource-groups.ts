/**
 * The boot resources as MAAS's Images table shows them: one row per OS release and architecture
 * (GA and HWE kernels of noble amd64 are one image, listed inside), bootloaders apart, and a size
 * that counts each file once (kernels of one release share the squashfs).
 */
import { compareArches } from './image-grid'
import type { ResourceRow } from '../stores/imports'

export interface ResourceGroup {
  /** `${name} ${arch}` */
  key: string
  /** the resources in the group; the first id names the row in tests and links */
  ids: number[]
  rows: ResourceRow[]
  name: string
  os: string
  release: string
  arch: string
  /** "24.04 LTS"; the codename goes under it */
  title: string
  bootloader: boolean
  /** kernels (subarches) in the group, e.g. ga-24.04, hwe-24.04 */
  kernels: string[]
  size: number | null
  status: string
  /** the least advanced download while an import runs */
  percent: number | null
  version: string | null
  lastSynced: string | null
  notes: string[]
  /** the boot sources its kernels were imported from */
  sourceIds: number[]
}

// Which status speaks for a group: the one that needs the admin's eye most.
const STATUS_RANK = [
  'failed',
  'downloading',
  'queued',
  'waiting',
  'update available',
  'will be deleted',
  'synced'
]
/** How much a status needs the admin's eye: failed first, synced last. */
export const statusRank = (status: string): number => {
  const s = status.toLowerCase()
  const i = STATUS_RANK.findIndex((p) => s.startsWith(p))
  return i === -1 ? STATUS_RANK.length : i
}

function uniqueSize(rows: ResourceRow[]): number | null {
  if (rows.every((r) => r.file_sizes)) {
    const files = new Map<string, number>()
    for (const r of rows) for (const [sha, size] of Object.entries(r.file_sizes!)) files.set(sha, size)
    return files.size ? [...files.values()].reduce((a, b) => a + b, 0) : null
  }
  // Without the file list the largest resource is the honest lower bound.
  const sizes = rows.map((r) => r.size).filter((s): s is number => s !== null)
  return sizes.length ? Math.max(...sizes) : null
}

/** `status(r)` lets the caller say "Will be deleted" for rows the next sync removes. */
export function groupResources(rows: ResourceRow[], status: (r: ResourceRow) => string): ResourceGroup[] {
  const groups = new Map<string, ResourceRow[]>()
  for (const r of rows) {
    const arch = r.architecture.split('/')[0]
    const key = `${r.name} ${arch}`
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  const out: ResourceGroup[] = []
  for (const [key, members] of groups) {
    members.sort((a, b) => a.architecture.localeCompare(b.architecture, undefined, { numeric: true }))
    const first = members[0]
    const [os, release = ''] = first.name.split('/')
    const statuses = members.map(status)
    const worst = statuses.reduce((a, b) => (statusRank(b) < statusRank(a) ? b : a))
    const percents = members.map((r) => r.percent).filter((p): p is number => p !== null && p < 100)
    const versions = members
      .map((r) => r.version)
      .filter((v): v is string => !!v)
      .sort()
    const synced = members
      .map((r) => r.lastSynced)
      .filter((d): d is string => !!d)
      .sort()
    out.push({
      key,
      // The smallest id names the row: stable whichever kernel sorts first.
      ids: members.map((r) => r.id).sort((x, y) => x - y),
      rows: members,
      name: first.name,
      os,
      release,
      arch: first.architecture.split('/')[0],
      title: first.title || release,
      bootloader: !!first.bootloader,
      kernels: first.bootloader ? [] : members.map((r) => r.architecture.split('/').slice(1).join('/')),
      size: uniqueSize(members),
      status: worst,
      percent: percents.length ? Math.min(...percents) : null,
      version: versions.length ? versions[versions.length - 1] : null,
      lastSynced: synced.length ? synced[synced.length - 1] : null,
      notes: [...new Set(members.map((r) => r.note).filter((n): n is string => !!n))],
      sourceIds: [...new Set(members.map((r) => r.source_id).filter((id): id is number => id !== undefined))]
    })
  }
  return out.sort(compareGroups)
}

/** Ubuntu first, newest release first, then other OSes, then bootloaders; arches in MAAS's order. */
function compareGroups(a: ResourceGroup, b: ResourceGroup): number {
  const tier = (g: ResourceGroup) => (g.bootloader ? 2 : g.os === 'ubuntu' ? 0 : 1)
  if (tier(a) !== tier(b)) return tier(a) - tier(b)
  if (a.name !== b.name) {
    if (a.bootloader) return a.name.localeCompare(b.name)
    return b.title.localeCompare(a.title, undefined, { numeric: true }) || a.name.localeCompare(b.name)
  }
  return compareArches(a.arch, b.arch)
}

/** Groups by OS for the table's sections: "Ubuntu (2)", "CentOS (1)", then "Bootloaders (3)". */
export function sectionsOf(
  groups: ResourceGroup[]
): Array<{ label: string; quiet: boolean; groups: ResourceGroup[] }> {
  const sections = new Map<string, ResourceGroup[]>()
  for (const g of groups) {
    const label = g.bootloader
      ? 'Bootloaders'
      : g.os === 'ubuntu'
        ? 'Ubuntu'
        : g.os === 'centos'
          ? 'CentOS'
          : g.os
    sections.set(label, [...(sections.get(label) ?? []), g])
  }
  return [...sections].map(([label, list]) => ({ label, quiet: label === 'Bootloaders', groups: list }))
}
