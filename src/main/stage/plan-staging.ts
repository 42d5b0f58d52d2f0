/**
 * What staging a source onto a target needs, before anything is written: the images, the bytes
 * against the target's free space, its file system (names mapped or not) and any file too big for it.
 */
import { stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { BootSource, StagingPlan } from '@shared/types'
import { formatBytes } from '@shared/format-bytes'
import { stagedContent } from '../library/staged-content'
import { detectTargetFs } from './target-fs'

/** The target itself, or its nearest existing parent (a directory staging will create). */
async function existingDir(path: string): Promise<string> {
  let p = resolve(path)
  for (;;) {
    const st = await stat(p).catch(() => null)
    if (st?.isDirectory()) return p
    const up = dirname(p)
    if (up === p) return p
    p = up
  }
}

export async function planStaging(
  dataDir: string,
  source: BootSource,
  target: string,
  signal?: AbortSignal
): Promise<StagingPlan> {
  const content = await stagedContent(dataDir, source)
  // Reading the kept metadata is local and bounded; the target's probe may sit on a slow stick.
  signal?.throwIfAborted()
  const fs = await detectTargetFs(await existingDir(target))
  signal?.throwIfAborted()
  const max = fs.maxFileBytes
  return {
    target: resolve(target),
    images: content.images,
    files: content.items.length + content.documents.length,
    needed: content.bytes,
    free: fs.freeBytes,
    file_system: fs.label,
    mapped_names: fs.mapNames,
    too_big:
      max === undefined
        ? []
        : content.items.filter((i) => i.size > max).map((i) => `${i.path} (${formatBytes(i.size)})`)
  }
}
