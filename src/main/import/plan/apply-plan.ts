/**
 * Brings the stored boot resources in line with a new plan, before anything is downloaded:
 * new resources get the next stable id, each planned version gets a set (files marked complete when
 * the cache holds them), and resources the plan no longer names are removed when unselected, or kept
 * with a note when the product merely left the stream but a selection still matches it.
 * Resources of a source whose stream could not be read this time are left alone.
 */
import type { BootResourceFile, BootSource, BootSourceSelection } from '@shared/types'
import type { Plan, PlannedResource } from './plan'
import { stillSelected } from './plan'
import { refreshSet, type ResourcesDoc, type StoredResource } from '../../library/resource-store'

export interface ApplyContext {
  plan: Plan
  /** sources whose stream was read this time */
  readSources: ReadonlyMap<number, { source: BootSource; selections: BootSourceSelection[] }>
  /** ids of every configured source (a resource of a deleted source goes) */
  configured: ReadonlySet<number>
  /** sha256 of every blob the cache holds */
  cached: ReadonlySet<string>
  now: string
}

export interface ApplyOutcome {
  /** resource key (name|architecture) -> id */
  ids: Map<string, number>
  removed: StoredResource[]
  notes: string[]
}

export function applyPlan(doc: ResourcesDoc, ctx: ApplyContext): ApplyOutcome {
  const ids = new Map<string, number>()
  const notes: string[] = []
  const planned = new Map(ctx.plan.resources.map((p) => [p.key, p]))
  const byKey = new Map(doc.resources.map((r) => [`${r.name}|${r.architecture}`, r]))

  for (const p of ctx.plan.resources) {
    let r = byKey.get(p.key)
    if (!r) {
      r = {
        id: doc.next_id++,
        type: 'Synced',
        name: p.name,
        architecture: p.architecture,
        subarches: p.subarches,
        title: p.title,
        last_deployed: null,
        bootloader: p.bootloader,
        os: p.os,
        release: p.release,
        arch: p.arch,
        subarch: p.subarch,
        stream_subarch: p.stream_subarch,
        label: p.label,
        source_id: p.source_id,
        product_name: p.product_name,
        sets: {},
        created: ctx.now,
        updated: ctx.now
      }
      doc.resources.push(r)
      byKey.set(p.key, r)
    }
    updateFromPlan(r, p, ctx)
    ids.set(p.key, r.id)
  }

  const removed: StoredResource[] = []
  doc.resources = doc.resources.filter((r) => {
    const key = `${r.name}|${r.architecture}`
    if (planned.has(key)) return true
    if (!ctx.configured.has(r.source_id)) {
      removed.push(r)
      return false
    }
    const read = ctx.readSources.get(r.source_id)
    // Could not read the stream this time: nothing is known about this resource, so nothing changes.
    if (!read) return true
    if (r.bootloader || stillSelected(read.selections, r)) {
      r.available_version = undefined
      r.note = `${r.product_name} is no longer in ${read.source.url}; kept because ${
        r.bootloader ? 'bootloaders are always kept' : 'a selection still matches it'
      }`
      notes.push(`kept ${r.name} ${r.architecture}: ${r.note}`)
      return true
    }
    // Unselected: as in MAAS, the resource goes (its files go with the next garbage collection).
    removed.push(r)
    return false
  })
  return { ids, removed, notes }
}

function updateFromPlan(r: StoredResource, p: PlannedResource, ctx: ApplyContext): void {
  Object.assign(r, {
    subarches: p.subarches,
    title: p.title,
    source_id: p.source_id,
    product_name: p.product_name,
    label: p.label,
    available_version: p.version,
    updated: ctx.now
  })
  r.note = undefined
  r.last_error = undefined
  const existing = r.sets[p.version]
  const files: Record<string, BootResourceFile> = {}
  for (const f of p.files) {
    const complete = ctx.cached.has(f.sha256)
    files[f.filename] = {
      filename: f.filename,
      filetype: f.filetype,
      sha256: f.sha256,
      size: f.size,
      complete,
      progress: complete
        ? 100
        : existing?.files[f.filename]?.sha256 === f.sha256
          ? existing.files[f.filename].progress
          : 0
    }
  }
  r.sets[p.version] = { version: p.version, label: p.label, size: 0, complete: false, progress: 0, files }
  refreshSet(r.sets[p.version])
}

/** Marks every file with a verified blob complete, in every set; returns ids of resources that changed. */
export function markBlobsComplete(doc: ResourcesDoc, shas: ReadonlySet<string>): void {
  for (const r of doc.resources) {
    for (const s of Object.values(r.sets)) {
      let touched = false
      for (const f of Object.values(s.files)) {
        if (shas.has(f.sha256) && !f.complete) {
          f.complete = true
          f.progress = 100
          touched = true
        }
      }
      if (touched) refreshSet(s)
    }
  }
}
