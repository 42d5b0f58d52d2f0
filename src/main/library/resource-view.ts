/** The MAAS-shaped view of a stored resource, with the status line the UI and CLI show. */
import type { BootResource } from '@shared/types'
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
  if (withSets) out.sets = structuredClone(r.sets)
  return out
}
