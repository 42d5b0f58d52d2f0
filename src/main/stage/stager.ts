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
import { containedRoot, inspectFile, type ContainedRoot } from '../core/contained-path'
import { sha256Hex } from '../streams/metadata-cache'
import { BlobCache } from './cache-access'
import { MAPPED_NAMES_FILE, MAPPED_NAMES_TEXT, localStreamPath } from '../staged-tree/name-map'
import type { ReadBackSource } from '../net/medium-read'
import { TEMP_SUFFIX, alreadyThere, copyVerified } from './safe-copy'
import { stagedContent, type ContentFilter, type StagedContent } from '../library/staged-content'
import { stickReadme } from './stick-readme'
import { detectTargetFs, type TargetFs } from './target-fs'
import {
  ignoresCase,
  refuseCacheTarget,
  refuseForeignContent,
  refuseNameClashes,
  refuseOversized,
  refuseShortSpace,
  STAGE_OWN_FILES
} from './target-checks'
import { STAGING_LOCK_FILE, lockTarget } from './target-lock'
import { STAGE_MANIFEST_FILE } from '../staged-tree/stage-manifest'

/** Room for README.txt, the manifest and directory entries on top of the files themselves. */
const SLACK_BYTES = 1024 * 1024

export type { StageProgress, StageResult } from '@shared/types'

export interface StageOptions {
  dataDir: string
  source: BootSource
  target: string
  filter?: ContentFilter
  appVersion?: string
  signal?: AbortSignal
  onProgress?: (p: StageProgress) => void
}

interface PlannedFile {
  path: string
  sha256: string
  size: number
  from: string | Buffer
}

/** Errors of a drive that went away or broke mid-way, with what to do about it. */
const GONE = new Set(['EIO', 'ENODEV', 'ENXIO', 'ENOTCONN', 'EROFS', 'ESTALE', 'ENOENT', 'EBADF'])

function describeWriteError(err: unknown, target: string, file: string, aborted = false): unknown {
  const code = (err as NodeJS.ErrnoException).code ?? ''
  // Whatever the stop interrupted (a read, a write, an lstat), it is the stop the admin needs to hear about.
  if (aborted || code === 'ABORT_ERR' || (err instanceof AppError && err.code === 'cancelled'))
    return new AppError('cancelled', `staging onto ${target} stopped; staging again resumes`)
  if (err instanceof AppError) return err
  if (code === 'ENOSPC')
    return new AppError(
      'no_space',
      `${target} is full (writing ${file}); free space and stage again to resume`,
      { cause: err }
    )
  if (GONE.has(code))
    return new AppError(
      'io',
      `writing ${file} onto ${target} failed (${code}): the drive may have been removed or failed. ` +
        'Files written so far are whole; staging again resumes',
      { cause: err }
    )
  return new AppError('io', `writing ${file} onto ${target} failed: ${(err as Error).message}`, {
    cause: err
  })
}

export async function stage(opts: StageOptions): Promise<StageResult> {
  const started = Date.now()
  const { target } = opts
  await mkdir(target, { recursive: true })
  await refuseCacheTarget(target, opts.dataDir)
  await refuseForeignContent(target)
  const content = await stagedContent(opts.dataDir, opts.source, opts.filter)
  if (content.items.length === 0)
    throw new AppError(
      'not_found',
      `boot source ${opts.source.id} has no complete cached images to stage${opts.filter ? ' that match' : ''}`
    )

  const fs = await detectTargetFs(target)
  const files: PlannedFile[] = [
    ...content.items.map((i) => ({ path: i.path, sha256: i.sha256, size: i.size, from: i.blob })),
    // Products documents before the index: the index is the last thing a mirror gets.
    ...content.documents
      .slice()
      .reverse()
      .map((d) => ({ path: d.path, sha256: sha256Hex(d.raw), size: d.raw.length, from: d.raw }))
  ]
  refuseOversized(files, fs)
  refuseNameClashes(
    files.map((f) => f.path),
    fs,
    ignoresCase(fs)
  )
  const root = await containedRoot(target, opts.signal)
  const lock = await lockTarget(root.real)
  const pin = await new BlobCache(opts.dataDir).pin(content.items.map((i) => i.sha256))
  try {
    // A delete may have run between reading the content and pinning it: from here on nothing can.
    const cache = new BlobCache(opts.dataDir)
    for (const i of content.items)
      if (!(await cache.has(i.sha256, i.size)))
        throw new AppError('not_found', `${i.path} left the cache as staging started (deleted); stage again`)
    return await copyAll(opts, root, content, files, fs, started)
  } finally {
    // On a pulled stick the lock cannot be removed: the original error matters, and a dead pid frees it.
    await pin.release().catch(() => undefined)
    await lock.release().catch(() => undefined)
  }
}

async function copyAll(
  opts: StageOptions,
  root: ContainedRoot,
  content: StagedContent,
  files: PlannedFile[],
  fs: TargetFs,
  started: number
): Promise<StageResult> {
  const { target, signal } = opts
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

  // Space first, from sizes alone (cheap): files missing or of another size must be written at least.
  // Hashing what is there can take minutes on a full stick; a short one is refused before that.
  // The same pass looks (lstat, no link followed) at every name staging will write, temp names
  // included: a FIFO, device, socket or folder where a file should be, or a folder link on the way, is
  // refused by name before anything is written (a link at a file's name is replaced, never followed).
  let atLeast = 0
  try {
    for (const rel of STAGE_OWN_FILES.filter((n) => n !== STAGING_LOCK_FILE))
      for (const p of [join(root.real, rel), join(root.real, rel) + TEMP_SUFFIX]) await inspectFile(root, p)
    for (const f of files) {
      progress.current = f.path
      const st = await inspectFile(root, dest(f.path))
      await inspectFile(root, dest(f.path) + TEMP_SUFFIX)
      if (st === null || st === 'link' || st.size !== f.size) atLeast += f.size
    }
  } catch (err) {
    throw describeWriteError(err, target, progress.current ?? target, signal?.aborted)
  }
  refuseShortSpace(target, atLeast + SLACK_BYTES, fs)

  // Incremental: what is already there with the right size and sha256 stays.
  const todo: PlannedFile[] = []
  // 'cache' once any file was checked only through the system cache: the result never claims more.
  let readBack: ReadBackSource = 'medium'
  const readFrom = (source: ReadBackSource): void => {
    if (source === 'cache') readBack = 'cache'
  }
  try {
    for (const f of files) {
      progress.current = f.path
      const there = await alreadyThere(root, dest(f.path), f.size, f.sha256, signal)
      if (there) {
        readFrom(there)
        progress.files_done++
      } else todo.push(f)
    }
  } catch (err) {
    throw describeWriteError(err, target, progress.current ?? target, signal?.aborted)
  }
  progress.bytes_total = todo.reduce((n, f) => n + f.size, 0)
  refuseShortSpace(target, progress.bytes_total + SLACK_BYTES, fs)

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
        items: content.items.map(({ path, sha256, size }) => ({ path, sha256, size }))
      },
      null,
      1
    )
  const copyStart = Date.now()
  progress.phase = 'copying'
  try {
    readFrom(await writeSmall(root, join(root.real, STAGE_MANIFEST_FILE), manifest(false)))
    if (fs.mapNames)
      readFrom(
        await writeSmall(root, join(root.real, MAPPED_NAMES_FILE), MAPPED_NAMES_TEXT.replace(/\n/g, '\r\n'))
      )
    for (const f of todo) {
      signal?.throwIfAborted()
      progress.current = f.path
      const source = await copyVerified(root, f.from, dest(f.path), f, {
        signal,
        onBytes: (n) => {
          progress.bytes_done += n
          const secs = (Date.now() - copyStart) / 1000
          progress.rate = secs > 0 ? progress.bytes_done / secs : 0
          progress.eta =
            progress.rate > 0 ? (progress.bytes_total - progress.bytes_done) / progress.rate : null
          opts.onProgress?.({ ...progress })
        }
      })
      readFrom(source)
      progress.files_done++
      opts.onProgress?.({ ...progress })
    }
    readFrom(
      await writeSmall(
        root,
        join(root.real, 'README.txt'),
        stickReadme(content, stagedAt, fs.mapNames, opts.appVersion ?? '')
      )
    )
    readFrom(await writeSmall(root, join(root.real, STAGE_MANIFEST_FILE), manifest(true)))
  } catch (err) {
    throw describeWriteError(err, target, progress.current ?? target, signal?.aborted)
  }
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
    read_back: readBack,
    seconds: Math.round((Date.now() - started) / 100) / 10
  }
}

/** Small files (manifest, README, mapped-names marker) through the same contained temp + fsync + rename + read-back path. */
async function writeSmall(root: ContainedRoot, path: string, text: string): Promise<ReadBackSource> {
  const raw = Buffer.from(text, 'utf8')
  return await copyVerified(
    root,
    raw,
    path,
    { sha256: sha256Hex(raw), size: raw.length },
    { signal: root.signal }
  )
}
