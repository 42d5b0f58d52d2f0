/**
 * Stages the cached images of one boot source onto a directory (a mounted stick, a disk) as a
 * SimpleStreams mirror: the upstream signed documents byte for byte, every item file at its upstream
 * path (mapped on FAT32/exFAT/NTFS), a README.txt and a manifest of what was staged.
 *
 * Order matters for resuming: the manifest and the name-map marker go first (so a half-staged target
 * is recognised as ours and read with the right names), items next, the products documents and the
 * index last (a reader finds no index until everything it names is there), the final manifest at the end.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '@shared/errors'
import type { BootSource, StageProgress, StageResult } from '@shared/types'
import { containedRoot, type ContainedRoot } from '../core/contained-path'
import { sha256Hex } from '../streams/metadata-cache'
import { BlobCache } from './cache-access'
import { MAPPED_NAMES_FILE, MAPPED_NAMES_TEXT, localStreamPath } from '../staged-tree/name-map'
import type { ReadBackSource } from '../net/medium-read'
import { alreadyThere, checkWritten, copyVerified, writeDurable, type WrittenFile } from './safe-copy'
import { runPipeline, type PipelineFailure, type PipelineLimits, type PipelineStep } from './copy-pipeline'
import { copyLimitsFor } from './copy-limits'
import { stagedContent, type ContentFilter, type StagedContent } from '../library/staged-content'
import { NO_STALE, findStale, previousManifest, removeStale } from './stale-files'
import { stagingError, type StagingErrorContext } from './staging-error'
import { SLACK_BYTES, bytesToWrite, plannedFiles, spaceFigures, type PlannedFile } from './staging-space'
import { stickReadme } from './stick-readme'
import { detectTargetFs, freeBytesOf, targetAnswers, type TargetFs } from './target-fs'
import {
  ignoresCase,
  refuseCacheTarget,
  refuseForeignContent,
  refuseNameClashes,
  refuseOversized,
  refuseShortSpace
} from './target-checks'
import { lockTarget } from './target-lock'
import { stalled } from '../net/local-file'
import { STAGE_MANIFEST_FILE } from '../staged-tree/stage-manifest'

export type { StageProgress, StageResult } from '@shared/types'

export interface StageOptions {
  dataDir: string
  source: BootSource
  target: string
  filter?: ContentFilter
  appVersion?: string
  signal?: AbortSignal
  /** longest wait for one read or write on the target; default 30 s (net/limits.ts); tests shorten it */
  mediumTimeoutMs?: number
  onProgress?: (p: StageProgress) => void
}

const ONE_BY_ONE: PipelineLimits = { workers: 1, writers: 1 }

/** The pipeline's first failure as the error it was, with the file it happened to named in the context. */
function pipelineError(err: unknown, at: StagingErrorContext): unknown {
  if (err && typeof err === 'object' && 'item' in err && 'error' in err) {
    at.file = (err as PipelineFailure<PlannedFile>).item.path
    return (err as PipelineFailure<PlannedFile>).error
  }
  return err
}

export async function stage(opts: StageOptions): Promise<StageResult> {
  // Every failure, from the first mkdir on (a pulled stick fails there or at the lock), is said in plain words.
  const at: StagingErrorContext = { target: opts.target }
  try {
    return await stageOnto(opts, at)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    // A full stick: how much more is needed is what is left to write against what is free now.
    // A stick that stops answering now too must not hide why staging failed: its free space is then unknown.
    const free =
      code && /^E(NOSPC|PERM|FBIG|DQUOT)$/.test(code)
        ? await freeBytesOf(opts.target, { timeoutMs: opts.mediumTimeoutMs }).catch(() => null)
        : null
    throw stagingError(err, { ...at, free, aborted: opts.signal?.aborted })
  }
}

async function stageOnto(opts: StageOptions, at: StagingErrorContext): Promise<StageResult> {
  const started = Date.now()
  const { target } = opts
  const limit = { signal: opts.signal, timeoutMs: opts.mediumTimeoutMs }
  await targetAnswers(target, limit)
  await mkdir(target, { recursive: true })
  await refuseCacheTarget(target, opts.dataDir)
  await refuseForeignContent(target)
  const content = await stagedContent(opts.dataDir, opts.source, opts.filter)
  if (content.items.length === 0)
    throw new AppError(
      'not_found',
      `boot source ${opts.source.id} has no complete cached images to stage${opts.filter ? ' that match' : ''}`
    )

  const fs = await detectTargetFs(target, limit)
  const files = plannedFiles(content)
  // Until the check says what is already there, all of it is what a full stick would still need.
  at.remaining = files.reduce((n, f) => n + f.size, 0) + SLACK_BYTES
  refuseOversized(files, fs)
  refuseNameClashes(
    files.map((f) => f.path),
    fs,
    ignoresCase(fs)
  )
  const root = await containedRoot(target, opts.signal, opts.mediumTimeoutMs)
  const lock = await lockTarget(root.real)
  const pin = await new BlobCache(opts.dataDir).pin(content.items.map((i) => i.sha256))
  let failed: unknown
  try {
    // A delete may have run between reading the content and pinning it: from here on nothing can.
    const cache = new BlobCache(opts.dataDir)
    for (const i of content.items)
      if (!(await cache.has(i.sha256, i.size)))
        throw new AppError('not_found', `${i.path} left the cache as staging started (deleted); stage again`)
    return await copyAll(opts, root, content, files, fs, started, at)
  } catch (err) {
    failed = err
    throw err
  } finally {
    // On a pulled stick the lock cannot be removed: the original error matters, and a dead pid frees it.
    await pin.release().catch(() => undefined)
    // A stick that stopped answering would keep the remove as it keeps the read: the lock file stays, and the
    // next staging by this process takes it over (its pid is ours, and no staging holds it).
    if (stalled(failed)) lock.abandon()
    else await lock.release().catch(() => undefined)
  }
}

async function copyAll(
  opts: StageOptions,
  root: ContainedRoot,
  content: StagedContent,
  files: PlannedFile[],
  fs: TargetFs,
  started: number,
  at: StagingErrorContext
): Promise<StageResult> {
  const { target, signal } = opts
  const timeoutMs = opts.mediumTimeoutMs
  // Every path under the target's real path: core/contained-path.ts checks each folder below it.
  const dest = (rel: string): string => localStreamPath(root.real, rel, fs.mapNames)
  const progress: StageProgress = {
    phase: 'checking',
    files_done: 0,
    files_total: files.length,
    bytes_done: 0,
    bytes_total: 0,
    rate: 0,
    eta: null
  }
  opts.onProgress?.({ ...progress })

  // Space first, from sizes alone (see staging-space.ts), with what removing the previous staging's
  // stale files frees: the one figure the plan showed.
  const previous = await previousManifest(root)
  const stale = await findStale(root, previous, new Set(files.map((f) => dest(f.path))), ignoresCase(fs))
  const atLeast = await bytesToWrite(root, files, dest, (p) => (at.file = progress.current = p))
  const space = spaceFigures(atLeast, stale.bytes, fs.freeBytes)
  refuseShortSpace(target, space)
  // Stale files go after the new ones are verified, so the stick stays a whole mirror meanwhile; only when
  // their room is needed for the new files do they go first.
  const removeFirst = fs.freeBytes !== null && fs.freeBytes < space.needed
  let removed = removeFirst ? await removeStale(root, stale) : NO_STALE
  const free = removeFirst ? await freeBytesOf(root.real) : fs.freeBytes

  // Incremental: what is already there with the right size and sha256 stays.
  const todo: PlannedFile[] = []
  // 'cache' once any file was checked only through the system cache: the result never claims more.
  let readBack: ReadBackSource = 'medium'
  const readFrom = (source: ReadBackSource): void => {
    if (source === 'cache') readBack = 'cache'
  }
  for (const f of files) {
    at.file = progress.current = f.path
    const there = await alreadyThere(root, dest(f.path), f.size, f.sha256, { signal, timeoutMs })
    if (there) {
      readFrom(there)
      progress.files_done++
    } else todo.push(f)
  }
  progress.bytes_total = todo.reduce((n, f) => n + f.size, 0)
  refuseShortSpace(target, spaceFigures(progress.bytes_total, stale.bytes - removed.bytes, free))
  at.remaining = progress.bytes_total + SLACK_BYTES

  const stagedAt = new Date()
  const manifest = (complete: boolean): string =>
    JSON.stringify(
      {
        format: 'maas-images-stage:1',
        complete,
        staged_at: stagedAt.toISOString(),
        source_url: content.source.url,
        names: fs.mapNames ? 'mapped' : 'upstream',
        fingerprints: content.fingerprints,
        images: content.images,
        documents: content.documents.map((d) => d.path),
        // Carried forward until they are removed: a staging that stops still lets the next one remove them.
        ...(complete ? {} : { stale: stale.files.map((f) => f.path) }),
        items: content.items.map(({ path, sha256, size }) => ({ path, sha256, size }))
      },
      null,
      1
    )
  const copyStart = Date.now()
  progress.phase = 'copying'
  readFrom(await writeSmall(root, join(root.real, STAGE_MANIFEST_FILE), manifest(false), timeoutMs))
  if (fs.mapNames)
    readFrom(
      await writeSmall(
        root,
        join(root.real, MAPPED_NAMES_FILE),
        MAPPED_NAMES_TEXT.replace(/\n/g, '\r\n'),
        timeoutMs
      )
    )
  const onBytes = (n: number): void => {
    progress.bytes_done += n
    at.remaining = progress.bytes_total - progress.bytes_done + SLACK_BYTES
    const secs = (Date.now() - copyStart) / 1000
    progress.rate = secs > 0 ? progress.bytes_done / secs : 0
    progress.eta = progress.rate > 0 ? (progress.bytes_total - progress.bytes_done) / progress.rate : null
    opts.onProgress?.({ ...progress })
  }
  const step: PipelineStep<PlannedFile, WrittenFile> = {
    write: async (f, inner) => {
      at.file = progress.current = f.path
      return await writeDurable(root, f.from, dest(f.path), {
        signal: inner,
        timeoutMs,
        onBytes,
        maxFileBytes: fs.maxFileBytes
      })
    },
    check: async (f, written, inner) => {
      readFrom(await checkWritten(root, dest(f.path), written, f, { signal: inner, timeoutMs }))
      progress.files_done++
      opts.onProgress?.({ ...progress })
    }
  }
  // Items overlap (see copy-pipeline.ts); the products documents and the index go one after another once
  // every item is staged, the index last, so a reader finds no index until everything it names is there.
  const documents = new Set(content.documents.map((d) => d.path))
  try {
    await runPipeline(
      todo.filter((f) => !documents.has(f.path)),
      step,
      copyLimitsFor(fs),
      signal
    )
    await runPipeline(
      todo.filter((f) => documents.has(f.path)),
      step,
      ONE_BY_ONE,
      signal
    )
  } catch (err) {
    throw pipelineError(err, at)
  }
  readFrom(
    await writeSmall(
      root,
      join(root.real, 'README.txt'),
      stickReadme(content, stagedAt, fs.mapNames, opts.appVersion ?? ''),
      timeoutMs
    )
  )
  // The new files are all verified: now what the previous staging wrote and this one does not keep goes.
  const rest = await removeStale(root, stale)
  removed = { files: [...removed.files, ...rest.files], bytes: removed.bytes + rest.bytes }
  readFrom(await writeSmall(root, join(root.real, STAGE_MANIFEST_FILE), manifest(true), timeoutMs))
  progress.phase = 'done'
  progress.current = undefined
  opts.onProgress?.({ ...progress })
  return {
    target,
    file_system: fs.label,
    mapped_names: fs.mapNames,
    images: content.images,
    files: files.length,
    files_copied: todo.length,
    files_skipped: files.length - todo.length,
    bytes: files.reduce((n, f) => n + f.size, 0),
    bytes_copied: progress.bytes_total,
    removed_files: removed.files.length,
    removed_bytes: removed.bytes,
    read_back: readBack,
    seconds: Math.round((Date.now() - started) / 100) / 10
  }
}

/** Small files (manifest, README, mapped-names marker) through the same contained temp + fsync + rename + read-back path. */
async function writeSmall(
  root: ContainedRoot,
  path: string,
  text: string,
  timeoutMs: number | undefined
): Promise<ReadBackSource> {
  const raw = Buffer.from(text, 'utf8')
  return await copyVerified(
    root,
    raw,
    path,
    { sha256: sha256Hex(raw), size: raw.length },
    { signal: root.signal, timeoutMs }
  )
}
