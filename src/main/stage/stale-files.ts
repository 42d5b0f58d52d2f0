/**
 * A reused stick must not fill up: what the previous staging wrote and this one does not keep is removed
 * once this staging's files are verified (or first, when the space is needed for them).
 *
 * Only files the previous staging's manifest lists are candidates, and of those only regular files reached
 * without a link on the way: a link at a listed name, a folder link above it, a special file or anything the
 * manifest does not name is left alone. The stick is untrusted, so the manifest only narrows what may go; it
 * never makes anything else removable. A manifest that cannot be read (damaged, hostile) removes nothing.
 *
 * A staging that stops before it ends carries the list forward in its own manifest (`stale`), so the next
 * staging still removes those files.
 */
import { rmdir, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { inspectFile, type ContainedRoot } from '../core/contained-path'
import { localStreamPath } from '../staged-tree/name-map'
import { readStagedManifest, type StagedManifest } from '../staged-tree/stage-manifest'
import { STAGE_OWN_FILES } from './target-checks'

export interface StaleFile {
  /** stream path, as the manifest lists it */
  path: string
  /** where it is on the stick (names mapped as the previous staging wrote them) */
  abs: string
  size: number
}

export interface StaleList {
  files: StaleFile[]
  bytes: number
}

export const NO_STALE: StaleList = { files: [], bytes: 0 }

/** The previous manifest, or null when there is none or it cannot be used (then nothing is removed). */
export async function previousManifest(root: ContainedRoot): Promise<StagedManifest | null> {
  return readStagedManifest(root.real, { signal: root.signal }).catch(() => null)
}

/** The stream paths a manifest names: its items, its documents and the files it carried forward as stale. */
function listedPaths(m: StagedManifest): string[] {
  return [...m.items.map((i) => i.path), ...m.documents, ...(m.stale ?? [])]
}

/**
 * The files the previous staging listed that this one does not write, as they are on the stick now:
 * regular files only, with their sizes (what removing them frees). `keep` holds the on-disk paths this
 * staging writes; `caseless` compares them as FAT32, exFAT and NTFS do.
 */
export async function findStale(
  root: ContainedRoot,
  previous: StagedManifest | null,
  keep: ReadonlySet<string>,
  caseless: boolean
): Promise<StaleList> {
  if (!previous) return NO_STALE
  const key = (p: string): string => (caseless ? p.toLowerCase() : p)
  const kept = new Set([...keep].map(key))
  const own = new Set(STAGE_OWN_FILES.map((f) => key(localStreamPath(root.real, f, false))))
  const mapped = previous.names === 'mapped'
  const files: StaleFile[] = []
  const seen = new Set<string>()
  for (const path of listedPaths(previous)) {
    const abs = localStreamPath(root.real, path, mapped)
    if (kept.has(key(abs)) || own.has(key(abs)) || seen.has(key(abs))) continue
    seen.add(key(abs))
    // A folder link on the way, a special file: not ours to touch, and not a reason to fail a staging.
    const st = await inspectFile(root, abs).catch(() => null)
    if (st === null || st === 'link') continue
    files.push({ path, abs, size: st.size })
  }
  return { files, bytes: files.reduce((n, f) => n + f.size, 0) }
}

/**
 * Removes the stale files, each checked again just before (still a regular file, no link on the way), and
 * then the folders they leave empty (rmdir removes only empty ones). Returns what was removed.
 */
export async function removeStale(root: ContainedRoot, stale: StaleList): Promise<StaleList> {
  const removed: StaleFile[] = []
  const folders = new Set<string>()
  for (const f of stale.files) {
    root.signal?.throwIfAborted()
    const st = await inspectFile(root, f.abs).catch(() => null)
    if (st === null || st === 'link') continue
    await unlink(f.abs)
    removed.push({ ...f, size: st.size })
    folders.add(dirname(f.abs))
  }
  // Deepest first, so a parent emptied by its child goes too; never the root itself.
  const byDepth = [...folders].sort((a, b) => b.length - a.length)
  for (const start of byDepth)
    for (let d = start; d.startsWith(root.real) && d !== root.real; d = dirname(d)) {
      const gone = await rmdir(d).then(
        () => true,
        () => false
      )
      if (!gone) break
    }
  return { files: removed, bytes: removed.reduce((n, f) => n + f.size, 0) }
}
