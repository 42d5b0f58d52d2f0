/**
 * The space figure staging needs, computed once, the same way for the plan the screen shows and for the
 * refusal before writing: the bytes of the files missing on the target or of another size, plus room for
 * README.txt, the manifest and folder entries; against the free space plus what removing the previous
 * staging's stale files frees.
 */
import { join } from 'node:path'
import type { SpaceFigures } from '@shared/types'
import { inspectFile, type ContainedRoot } from '../core/contained-path'
import { sha256Hex } from '../streams/metadata-cache'
import { TEMP_SUFFIX } from './safe-copy'
import type { StagedContent } from '../library/staged-content'
import { STAGE_OWN_FILES } from './target-checks'
import { STAGING_LOCK_FILE } from './target-lock'

/** Room for README.txt, the manifest and directory entries on top of the files themselves. */
export const SLACK_BYTES = 1024 * 1024

export interface PlannedFile {
  path: string
  sha256: string
  size: number
  from: string | Buffer
}

/** Every file a staging of `content` writes, items first, then the products documents, the index last. */
export function plannedFiles(content: StagedContent): PlannedFile[] {
  return [
    ...content.items.map((i) => ({ path: i.path, sha256: i.sha256, size: i.size, from: i.blob })),
    // Products documents before the index: the index is the last thing a mirror gets.
    ...content.documents
      .slice()
      .reverse()
      .map((d) => ({ path: d.path, sha256: sha256Hex(d.raw), size: d.raw.length, from: d.raw }))
  ]
}

/**
 * From sizes alone (cheap: hashing what is there can take minutes on a full stick), the bytes that must be
 * written at least: files missing or of another size. The same pass looks (lstat, no link followed) at every
 * name staging will write, temp names included, so a FIFO, device, socket or folder where a file should be, or
 * a folder link on the way, is refused by name before anything is written. `onFile` names the file looked at.
 */
export async function bytesToWrite(
  root: ContainedRoot,
  files: readonly PlannedFile[],
  dest: (rel: string) => string,
  onFile?: (path: string) => void
): Promise<number> {
  let atLeast = 0
  for (const rel of STAGE_OWN_FILES.filter((n) => n !== STAGING_LOCK_FILE))
    for (const p of [join(root.real, rel), join(root.real, rel) + TEMP_SUFFIX]) await inspectFile(root, p)
  for (const f of files) {
    onFile?.(f.path)
    const st = await inspectFile(root, dest(f.path))
    await inspectFile(root, dest(f.path) + TEMP_SUFFIX)
    if (st === null || st === 'link' || st.size !== f.size) atLeast += f.size
  }
  return atLeast
}

/** The one figure: what is needed, what is free, what removing stale files frees, and the shortfall. */
export function spaceFigures(toWrite: number, freed: number, free: number | null): SpaceFigures {
  const needed = toWrite + SLACK_BYTES
  return {
    needed,
    freed,
    free,
    // A file system that reports no free space is never "short": staging says so if it fills up.
    short_by: free === null ? 0 : Math.max(0, needed - free - freed)
  }
}
