/**
 * Boot resources (MAAS's model) persisted in `<dataDir>/resources.json`, a JSON document (see
 * core/json-document.ts): every change is a read-modify-write under a short cross-process file lock and
 * lands by atomic rename, so the app and the CLI never lose each other's updates and a crash never
 * leaves a torn file; a damaged file is refused, naming it. Ids are stable: a counter that only grows.
 */
import { z } from 'zod'
import type { BootResourceSet } from '@shared/types'
import { dataLayout } from '../core/data-layout'
import { JsonDocument } from '../core/json-document'
import { compareSerials } from '../streams/serials'

/** Which MAAS boot resource a stream product is: name `{os}/{release}`, architecture `{arch}/{subarch}`. */
export const resourceIdentitySchema = z.object({
  name: z.string(),
  architecture: z.string(),
  bootloader: z.boolean(),
  os: z.string(),
  release: z.string(),
  arch: z.string(),
  /** with the kernel flavour appended when not generic */
  subarch: z.string(),
  /** the stream's own subarch field */
  stream_subarch: z.string(),
  label: z.string(),
  title: z.string(),
  subarches: z.string()
})
export type ResourceIdentity = z.infer<typeof resourceIdentitySchema>

const fileSchema = z.object({
  filename: z.string(),
  filetype: z.string(),
  sha256: z.string(),
  size: z.number(),
  complete: z.boolean(),
  progress: z.number()
})

const setSchema = z.object({
  version: z.string(),
  label: z.string(),
  size: z.number(),
  complete: z.boolean(),
  progress: z.number(),
  files: z.record(z.string(), fileSchema)
}) satisfies z.ZodType<BootResourceSet>

export const storedResourceSchema = resourceIdentitySchema.extend({
  id: z.number(),
  type: z.literal('Synced'),
  last_deployed: z.string().nullable(),
  source_id: z.number(),
  product_name: z.string(),
  sets: z.record(z.string(), setSchema),
  /** the latest version the stream offered at the last metadata read */
  available_version: z.string().optional(),
  /** why the resource is kept although its product left the stream, and similar */
  note: z.string().optional(),
  /** the reason the last import failed for this resource */
  last_error: z.string().optional(),
  created: z.string(),
  updated: z.string()
})
export type StoredResource = z.infer<typeof storedResourceSchema>

const resourcesDocSchema = z.object({
  version: z.literal(1),
  next_id: z.number(),
  resources: z.array(storedResourceSchema)
})
export type ResourcesDoc = z.infer<typeof resourcesDocSchema>

const empty = (): ResourcesDoc => ({ version: 1, next_id: 1, resources: [] })

export class ResourceStore {
  readonly path: string
  private readonly doc: JsonDocument<ResourcesDoc>

  constructor(dataDir: string) {
    const layout = dataLayout(dataDir)
    this.path = layout.resources
    this.doc = new JsonDocument({
      path: layout.resources,
      lockPath: layout.resourcesLock,
      schema: resourcesDocSchema,
      empty,
      what: 'boot resources',
      // resources.json grows with every file of every resource: one space of indent keeps it small.
      indent: 1
    })
  }

  /** The resources; AppError('damaged_file') naming resources.json when it is not what this version wrote. */
  async read(): Promise<ResourcesDoc> {
    return this.doc.read()
  }

  /** Applies `fn` to the freshest document and saves it atomically; returns what `fn` returns. */
  async update<T>(fn: (doc: ResourcesDoc) => T): Promise<T> {
    return this.doc.update(fn)
  }
}

/** The set to show and deploy: the newest complete one. */
export function newestCompleteSet(r: StoredResource): BootResourceSet | undefined {
  let best: BootResourceSet | undefined
  for (const s of Object.values(r.sets))
    if (s.complete && (!best || compareSerials(s.version, best.version) > 0)) best = s
  return best
}

/** The newest set, complete or not. */
function newestSet(r: StoredResource): BootResourceSet | undefined {
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
