/**
 * What staging a source onto a target needs, before anything is written: the images to choose from and the
 * chosen ones, the space figure (staging-space.ts: the same one the refusal uses) with what removing the
 * previous staging's stale files frees, the file system (names mapped or not), any file too big for it, and
 * whether the target sits on the system disk rather than a stick.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { BootSource, StagingPlan } from '@shared/types'
import { formatBytes } from '@shared/format-bytes'
import { containedRoot } from '../core/contained-path'
import { stagedContent, type ContentFilter } from '../library/staged-content'
import { localStreamPath } from '../staged-tree/name-map'
import { NO_STALE, findStale, previousManifest } from './stale-files'
import { bytesToWrite, plannedFiles, spaceFigures } from './staging-space'
import { ignoresCase } from './target-checks'
import { detectTargetFs, nearestFolder } from './target-fs'

/** Whether `dir` is on the file system of the operating system's root (or, on Windows, its system drive). */
async function onSystemDisk(dir: string): Promise<boolean> {
  if (process.platform === 'win32')
    return resolve(dir).slice(0, 2).toUpperCase() === (process.env.SystemDrive ?? 'C:').toUpperCase()
  const [here, root] = await Promise.all([stat(dir), stat('/')])
  return here.dev === root.dev
}

export async function planStaging(
  dataDir: string,
  source: BootSource,
  target: string,
  filter?: ContentFilter,
  signal?: AbortSignal,
  /** longest wait for the target's medium to answer one look; default 30 s (net/limits.ts) */
  mediumTimeoutMs?: number
): Promise<StagingPlan> {
  const content = await stagedContent(dataDir, source, filter)
  // Reading the kept metadata is local and bounded; the target's probe may sit on a slow stick.
  signal?.throwIfAborted()
  const limit = { signal, timeoutMs: mediumTimeoutMs }
  const at = await nearestFolder(target, limit)
  const fs = await detectTargetFs(at, limit)
  signal?.throwIfAborted()
  const files = plannedFiles(content)
  const exists = at === resolve(target)
  let toWrite = files.reduce((n, f) => n + f.size, 0)
  let stale = NO_STALE
  if (exists) {
    const root = await containedRoot(target, signal)
    const dest = (rel: string): string => localStreamPath(root.real, rel, fs.mapNames)
    stale = await findStale(
      root,
      await previousManifest(root),
      new Set(files.map((f) => dest(f.path))),
      ignoresCase(fs)
    )
    toWrite = await bytesToWrite(root, files, dest)
  }
  const max = fs.maxFileBytes
  return {
    target: resolve(target),
    choices: content.choices,
    images: content.images,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.size, 0),
    ...spaceFigures(toWrite, stale.bytes, fs.freeBytes),
    stale_files: stale.files.length,
    system_drive: await onSystemDisk(at),
    file_system: fs.label,
    mapped_names: fs.mapNames,
    too_big:
      max === undefined
        ? []
        : content.items.filter((i) => i.size > max).map((i) => `${i.path} (${formatBytes(i.size)})`)
  }
}
