/**
 * Boot resources (MAAS's model) persisted in `<dataDir>/resources.json`. Every change is a
 * read-modify-write under a short cross-process file lock and lands by atomic rename, so the app
 * and the CLI never lose each other's updates and a crash never leaves a torn file.
 * Ids are stable: a counter that only grows.
 */
import { join } from 'node:path'
import type { BootResourceSet } from '../../shared/types'
import { readJsonFile, writeFileAtomic } from '../core/atomic-file'
import { withFileLock } from '../core/file-lock'
import { compareSerials } from '../streams/serials'

export interface StoredResource {
  id: number
  type: 'Synced'
  name: string
  architecture: string
  subarches: string
  title: string
  last_deployed: string | null
  bootloader: boolean
  os: string
  release: string
  arch: string
  /** with the kernel flavour appended when not generic */
  subarch: string
  /** the stream's own subarch field */
  stream_subarch: string
  label: string
  source_id: number
  product_name: string
  sets: Record<string, BootResourceSet>
  /** the latest version the stream offered at the last metadata read */
  available_version?: string
  /** why the resource is kept although its product left the stream, and similar */
  note?: string
  /** the reason the last import failed for this resource */
  last_error?: string
  created: string
  updated: string
}

export interface ResourcesDoc {
  version: 1
  next_id: number
  resources: StoredResource[]
}

const empty = (): ResourcesDoc => ({ version: 1, next_id: 1, resources: [] })

export class ResourceStore {
  readonly path: string

  constructor(dataDir: string) {
    this.path = join(dataDir, 'resources.json')
  }

  async read(): Promise<ResourcesDoc> {
    const doc = await readJsonFile<ResourcesDoc>(this.path)
    return doc && doc.version === 1 && Array.isArray(doc.resources) ? doc : empty()
  }

  /** Applies `fn` to the freshest document and saves it atomically; returns what `fn` returns. */
  async update<T>(fn: (doc: ResourcesDoc) => T): Promise<T> {
    return withFileLock(`${this.path}.lock`, async () => {
      const doc = await this.read()
      const out = fn(doc)
      await writeFileAtomic(this.path, JSON.stringify(doc, null, 1))
      return out
    })
  }
}

/** The set to show and deploy: the newest complete one. */
export function newestCompleteSet(r: StoredResource): BootResourceSet | undefined {
  let best: BootResourceSet | undefined
  for (const s of Object.values(r.sets))
    if (s.complete && (!best || compareSerials(s.version, best.version) > 0)) best = s
  return best
}

export function newestSet(r: StoredResource): BootResourceSet | undefined {
  let best: BootResourceSet | undefined
  for (const s of Object.values(r.sets)) if (!best || compareSerials(s.version, best.version) > 0) best = s
  return best
}

/** Recomputes a set's complete/progress/size from its files. */
export function refreshSet(set: BootResourceSet): void {
  const files = Object.values(set.files)
  set.size = files.reduce((n, f) => n + f.size, 0)
  const done = files.reduce((n, f) => n + (f.complete ? f.size : Math.round((f.size * f.progress) / 100)), 0)
  set.complete = files.length > 0 && files.every((f) => f.complete)
  set.progress = set.complete ? 100 : set.size > 0 ? Math.floor((done / set.size) * 100) : 0
}

/** Every sha256 any set of any resource refers to: the blobs the cache must keep. */
export function referencedBlobs(doc: ResourcesDoc): Set<string> {
  const out = new Set<string>()
  for (const r of doc.resources)
    for (const s of Object.values(r.sets)) for (const f of Object.values(s.files)) out.add(f.sha256)
  return out
}

/**
 * After a sync: a resource whose newest set is complete keeps only that set; one whose newest set is
 * still incomplete keeps it (to resume) plus its newest complete set (still usable). Returns the
 * number of sets removed.
 */
export function keepOneVersion(doc: ResourcesDoc): number {
  let removed = 0
  for (const r of doc.resources) {
    const complete = newestCompleteSet(r)
    const newest = newestSet(r)
    for (const v of Object.keys(r.sets)) {
      if (v === complete?.version || v === newest?.version) continue
      delete r.sets[v]
      removed++
    }
  }
  return removed
}
