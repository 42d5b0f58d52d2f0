/**
 * One import, start to finish, while the caller holds the import lock:
 * metadata (conditional requests) -> plan -> resources.json -> free-space check (per source) -> downloads ->
 * mark complete, keep one version, garbage-collect -> result. One resource (or source) failing never stops
 * the others; the result lists every failure.
 */
import { dataLayout } from '../core/data-layout'
import type { BootSource, BootSourceSelection, ImportResult, Settings } from '@shared/types'
import { AppError, toErrorShape } from '@shared/errors'
import { readStream, type VerifiedStream } from '../streams/read-stream'
import { isUrlRoot } from '../streams/safe-path'
import { applyPlan, markBlobsComplete } from './plan/apply-plan'
import { formatBytes } from '@shared/format-bytes'
import { BlobCache } from '../library/blob-cache'
import { Downloader, type DownloaderOptions, type DownloadJob } from './download/downloader'
import type { HashPool } from './download/hash-pool'
import { buildPlan, type Plan, type PlanSource } from './plan/plan'
import type { ImportProgressTracker } from './import-progress'
import { keepOneVersion, referencedBlobs, type ResourceStore } from '../library/resource-store'
import { partialBytes } from './download/resume-journal'
import { saveImportedMetadata } from '../library/imported-metadata'
import { SpaceReserve } from './download/space-reserve'

export interface RunContext {
  dataDir: string
  sources: Array<{ source: BootSource; selections: BootSourceSelection[] }>
  settings: Settings
  store: ResourceStore
  cache: BlobCache
  hashPool: HashPool
  tracker: ImportProgressTracker
  signal: AbortSignal
  freeSpaceMarginBytes: number
  tuning?: Partial<DownloaderOptions>
  resourcesChanged(): void
}

type Failure = ImportResult['failures'][number]

export async function runImport(ctx: RunContext): Promise<ImportResult> {
  const started_at = new Date().toISOString()
  const failures: Failure[] = []
  const notes: string[] = []
  const finish = (stopped: boolean, downloaded = 0): ImportResult => ({
    ok: failures.length === 0 && !stopped,
    started_at,
    finished_at: new Date().toISOString(),
    downloaded_bytes: downloaded,
    failures,
    notes,
    stopped
  })

  // 1. Metadata, every source at once; an unreadable source fails alone and its resources stay as they are.
  ctx.tracker.setPhase('metadata')
  const streams = await Promise.all(
    ctx.sources.map(async (s) => {
      try {
        return { ...s, stream: await readBootSourceStream(ctx, s.source) }
      } catch (err) {
        const e = toErrorShape(err)
        failures.push({
          resource: s.source.url,
          code: e.code,
          message: `boot source ${s.source.url}: ${e.message}`
        })
        return undefined
      }
    })
  )
  if (ctx.signal.aborted) return stoppedResult(finish, notes)
  const read = streams.filter((s): s is PlanSource & { stream: VerifiedStream } => !!s)

  // 2. Plan and record it: new resources and sets appear as queued before any byte moves.
  ctx.tracker.setPhase('planning')
  const plan = buildPlan(read)
  for (const p of plan.problems) failures.push(p)
  await ctx.cache.init()
  const cached = new Set(await ctx.cache.list())
  const applied = await ctx.store.update((doc) =>
    applyPlan(doc, {
      plan,
      readSources: new Map(read.map((s) => [s.source.id, s])),
      configured: new Set(ctx.sources.map((s) => s.source.id)),
      cached,
      now: started_at
    })
  )
  notes.push(...applied.notes)
  ctx.resourcesChanged()

  const blobs = plan.blobs.filter((b) => !cached.has(b.sha256))

  // 3. Downloads, of the sources whose missing bytes fit.
  const done = new Set<string>()
  const failed = new Map<string, AppError>()
  /** source id -> why its downloads were refused (not enough space for them) */
  const refusedSources = new Map<number, string>()
  let fatal: AppError | undefined
  let stopped = false
  const reserve = new SpaceReserve(ctx.dataDir)
  if (blobs.length) await reserve.hold(ctx.store.path)
  try {
    const space = blobs.length ? await checkFreeSpace(ctx, plan, blobs) : { fit: [], refused: [] }
    for (const { source, error } of space.refused) {
      failures.push({ resource: source.url, code: error.code, message: error.message })
      refusedSources.set(source.id, error.message)
    }
    ctx.tracker.plan(
      space.fit.map((b) => ({ ...b, label: `${b.refs[0].product} ${b.refs[0].item}` })),
      trackedResources(plan, applied.ids),
      cached
    )
    if (blobs.length === 0) {
      if (failures.length === 0) notes.push('nothing new: only the metadata was fetched')
    } else if (space.fit.length) {
      ctx.tracker.setPhase('downloading')
      const localRoots = read.map((s) => s.stream.rootUrl).filter((root) => !isUrlRoot(root))
      const outcome = await download(ctx, space.fit, localRoots, done, failed)
      fatal = outcome.fatal
      stopped = outcome.stopped && !fatal
    }
  } finally {
    // Whatever happened, the reserve now makes room to record it.
    await reserve.release()
  }

  // 4. Record what arrived, keep one version per resource, drop blobs nothing refers to any more.
  ctx.tracker.setPhase('finishing')
  const labels = new Map(plan.resources.map((r) => [r.key, `${r.name} ${r.architecture}`]))
  const sourceOf = new Map(plan.resources.map((r) => [r.key, r.source_id]))
  const fileOf = (key: string, sha: string): string =>
    plan.resources.find((r) => r.key === key)?.files.find((f) => f.sha256 === sha)?.filename ?? sha
  for (const [sha, err] of failed) {
    const blob = plan.blobs.find((b) => b.sha256 === sha)
    for (const ref of blob?.refs ?? []) {
      failures.push({
        resource: labels.get(ref.resourceKey),
        file: fileOf(ref.resourceKey, sha),
        code: err.code,
        message: err.message
      })
    }
  }
  if (fatal) failures.push({ code: fatal.code, message: fatal.message })
  if (fatal?.code === 'no_space' && done.size)
    notes.push(`${done.size} file(s) verified and kept before the disk filled`)
  if (stopped) notes.push('stopped: partial downloads are kept and the next import resumes them')
  const keyOf = new Map([...applied.ids].map(([k, id]) => [id, k]))
  let referenced = new Set<string>()
  try {
    referenced = await ctx.store.update((doc) => {
      markBlobsComplete(doc, done)
      for (const r of doc.resources) {
        const key = keyOf.get(r.id)
        if (!key) continue
        const mine = failures.filter((f) => f.resource === labels.get(key))
        const incomplete = !Object.values(r.sets).some((s) => s.complete && s.version === r.available_version)
        const noRoom = refusedSources.get(sourceOf.get(key) as number)
        if (mine.length) r.last_error = mine.map((f) => f.message).join('; ')
        else if (noRoom && incomplete) r.last_error = noRoom
        else if (fatal && incomplete) r.last_error = fatal.message
      }
      keepOneVersion(doc)
      return referencedBlobs(doc)
    })
  } catch (err) {
    // Typically a disk so full that not even resources.json fits: the cache itself is still consistent.
    const e = toErrorShape(err)
    failures.push({ code: e.code, message: `could not save ${ctx.store.path}: ${e.message}` })
    ctx.resourcesChanged()
    return finish(stopped, ctx.tracker.downloadedBytes)
  }
  ctx.resourcesChanged()
  // Partials of blobs still referenced stay for the next import to resume; everything else goes.
  const removed = await ctx.cache.gc(referenced)
  if (removed.length) notes.push(`removed ${removed.length} file(s) no boot resource uses any more`)
  if (!stopped && !fatal) {
    const skip = new Set(
      plan.resources
        .filter((r) => failures.some((f) => f.resource === labels.get(r.key)))
        .map((r) => r.source_id)
    )
    for (const id of refusedSources.keys()) skip.add(id)
    await saveImportedMetadata(ctx.dataDir, read, skip).catch(() => undefined)
  }
  return finish(stopped, ctx.tracker.downloadedBytes)
}

function stoppedResult(finish: (stopped: boolean) => ImportResult, notes: string[]): ImportResult {
  notes.push('stopped before any download')
  return finish(true)
}

async function readBootSourceStream(ctx: RunContext, source: BootSource): Promise<VerifiedStream> {
  return readStream({
    url: source.url,
    keyring: { keyring_filename: source.keyring_filename, keyring_data: source.keyring_data },
    proxy: ctx.settings.proxy,
    // Per source, so validators (ETag/Last-Modified) make an unchanged stream cost one 304 per document.
    metadataCacheDir: dataLayout(ctx.dataDir).metadataFor(source.id),
    signal: ctx.signal
  })
}

function trackedResources(plan: Plan, ids: ReadonlyMap<string, number>) {
  return plan.resources.map((r) => ({
    id: ids.get(r.key) as number,
    name: r.name,
    architecture: r.architecture,
    files: r.files.map((f) => ({ sha256: f.sha256, size: f.size })),
    size: r.size
  }))
}

/**
 * Which sources' downloads fit, source by source in priority order: a source is admitted when its missing
 * bytes (blobs it is the first to need, less what partials already hold) plus the margin fit in what the
 * sources admitted before it left free. A source that does not fit is refused alone, naming it and both
 * figures; the sources after it may still fit.
 */
async function checkFreeSpace(
  ctx: RunContext,
  plan: Plan,
  blobs: Plan['blobs']
): Promise<{ fit: Plan['blobs']; refused: Array<{ source: BootSource; error: AppError }> }> {
  const sourceOf = new Map(plan.resources.map((r) => [r.key, r.source_id]))
  const bySource = new Map<number, Plan['blobs']>()
  for (const b of blobs) {
    const id = sourceOf.get(b.refs[0].resourceKey) as number
    const list = bySource.get(id)
    if (list) list.push(b)
    else bySource.set(id, [b])
  }
  const margin = ctx.freeSpaceMarginBytes
  let left = await ctx.cache.freeBytes()
  const fit: Plan['blobs'] = []
  const refused: Array<{ source: BootSource; error: AppError }> = []
  for (const { source } of ctx.sources) {
    const mine = bySource.get(source.id)
    if (!mine) continue
    let need = margin
    for (const b of mine) {
      need +=
        b.size -
        (await partialBytes(ctx.cache.journalPath(b.sha256), ctx.cache.partPath(b.sha256), b.sha256, b.size))
    }
    if (need <= left) {
      fit.push(...mine)
      left -= need - margin
      continue
    }
    const have = Math.max(0, left)
    refused.push({
      source,
      error: new AppError(
        'no_space',
        `not enough free space in ${ctx.cache.root} for boot source ${source.url}: ` +
          `need ${formatBytes(need)}, have ${formatBytes(have)} ` +
          `(${need} and ${have} bytes, including a ${formatBytes(margin)} margin)`
      )
    })
  }
  return { fit, refused }
}

async function download(
  ctx: RunContext,
  blobs: Plan['blobs'],
  localRoots: readonly string[],
  done: Set<string>,
  failed: Map<string, AppError>
) {
  const jobs: DownloadJob[] = blobs.map((b) => ({
    sha256: b.sha256,
    size: b.size,
    urls: b.urls,
    label: `${b.refs[0].product} ${b.refs[0].item}`
  }))
  const downloader = new Downloader(
    jobs,
    {
      cache: ctx.cache,
      hashPool: ctx.hashPool,
      connections: Math.max(1, Math.floor(ctx.settings.connections || 8)),
      proxy: ctx.settings.proxy,
      signal: ctx.signal,
      localRoots,
      ...ctx.tuning
    },
    {
      resumed: (j, n) => ctx.tracker.resumed(j.sha256, n),
      bytes: (j, n) => ctx.tracker.bytes(j.sha256, n),
      done: (j) => {
        done.add(j.sha256)
        ctx.tracker.fileDone(j.sha256, j.size)
      },
      failed: (j, err) => {
        failed.set(j.sha256, err)
        ctx.tracker.fileFailed(j.sha256)
      }
    }
  )
  return downloader.run()
}
