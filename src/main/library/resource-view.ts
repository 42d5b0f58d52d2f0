/** The MAAS-shaped view of a stored resource, with the status line the UI and CLI show. */
import type { BootResource, BootResourceSet } from '@shared/types'
import { compareSerials } from '../streams/serials'
import { newestCompleteSet, type StoredResource } from './resource-store'

/** What a running import says about one resource. */
export interface LiveResourceState {
  state: 'queued' | 'downloading'
  percent: number
}

export function resourceStatus(r: StoredResource, live?: LiveResourceState): string {
  if (live?.state === 'downloading') return `Downloading ${live.percent}%`
  if (live?.state === 'queued') return 'Queued for download'
  if (r.last_error) return `Failed: ${r.last_error}`
  const complete = newestCompleteSet(r)
  if (!complete) return 'Queued for download'
  if (r.available_version && compareSerials(r.available_version, complete.version) > 0)
    return 'Update available'
  return 'Synced'
}

export function toBootResource(r: StoredResource, live?: LiveResourceState, withSets = false): BootResource {
  const out: BootResource = {
    id: r.id,
    type: r.type,
    name: r.name,
    architecture: r.architecture,
    subarches: r.subarches,
    title: r.title,
    last_deployed: r.last_deployed,
    status: resourceStatus(r, live)
  }
  if (r.note) out.note = r.note
  if (r.bootloader) out.bootloader = true
  out.source_id = r.source_id
  // The list view carries no sets (as MAAS), so the UI gets the figures it shows per row here.
  const inUse = newestCompleteSet(r)
  if (inUse) {
    out.version = inUse.version
    out.size = inUse.size
    out.file_sizes = Object.fromEntries(Object.values(inUse.files).map((f) => [f.sha256, f.size]))
    out.last_synced = r.updated
  }
  if (withSets) out.sets = Object.fromEntries(Object.entries(r.sets).map(([v, set]) => [v, maasSet(set)]))
  return out
}

/**
 * The file types MAAS stores for a synced resource (maasserver/enum.py, BOOT_RESOURCE_FILE_TYPE); its import
 * skips any other (`manifest`, `notifications`). This app still fetches the manifest, since a mirror it
 * stages or serves must hold every item its signed products file lists, but shows sets as MAAS does.
 */
const MAAS_FILE_TYPES = new Set([
  'root-tgz',
  'root-tbz',
  'root-txz',
  'root-dd',
  'root-dd.tar',
  'root-dd.raw',
  'root-dd.bz2',
  'root-dd.gz',
  'root-dd.xz',
  'root-dd.tar.bz2',
  'root-dd.tar.xz',
  'root-image.gz',
  'squashfs',
  'boot-kernel',
  'boot-initrd',
  'boot-dtb',
  'archive.tar.xz'
])

/** A set as MAAS shows it: its files of MAAS's types (squashfs, not root-image.gz, when both), their sum as size. */
function maasSet(set: BootResourceSet): BootResourceSet {
  const all = Object.values(set.files)
  const hasSquashfs = all.some((f) => f.filetype === 'squashfs')
  const kept = all.filter(
    (f) => MAAS_FILE_TYPES.has(f.filetype) && !(hasSquashfs && f.filetype === 'root-image.gz')
  )
  return {
    ...set,
    size: kept.reduce((sum, f) => sum + f.size, 0),
    // This app's cache names each file by its whole sha256 (cache/sha256/<2>/<sha256>), MAAS by a prefix of it.
    files: Object.fromEntries(kept.map((f) => [f.filename, { ...f, filename_on_disk: f.sha256 }]))
  }
}
