/**
 * The progress sidecar of a partial download (`<sha>.part.json`): which ranges are on disk.
 * It is only ever written after the bytes it claims were written, so after a kill -9 (the page
 * cache survives) it never claims too much. It is replaced by rename but not fsynced: after a power
 * loss it might run ahead of the data, which the checksum catches (and the downloader then starts
 * that file once more from byte 0).
 */
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { FileRanges, type SavedSegment } from './file-ranges'

interface SidecarDoc {
  v: 1
  sha256: string
  size: number
  segments: SavedSegment[]
}

export async function loadSidecar(
  path: string,
  partPath: string,
  sha256: string,
  size: number
): Promise<FileRanges | null> {
  let doc: SidecarDoc
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as SidecarDoc
  } catch {
    return null
  }
  if (doc?.v !== 1 || doc.sha256 !== sha256 || doc.size !== size) return null
  const ranges = FileRanges.fromSaved(size, doc.segments)
  if (!ranges) return null
  const st = await stat(partPath).catch(() => null)
  // A partial shorter than what the sidecar says was written cannot be trusted.
  if (!st || st.size < ranges.highestWritten) return null
  return ranges
}

export async function saveSidecar(path: string, sha256: string, ranges: FileRanges): Promise<void> {
  const doc: SidecarDoc = { v: 1, sha256, size: ranges.size, segments: ranges.toSaved() }
  const tmp = `${path}.tmp`
  try {
    await writeFile(tmp, JSON.stringify(doc))
    await rename(tmp, path)
  } catch (err) {
    // A disk too full for 200 bytes of JSON: the previous sidecar still under-claims, which is safe.
    await rm(tmp, { force: true }).catch(() => undefined)
    throw err
  }
}

/** Bytes of a blob already downloaded in its partial file (0 when none or untrustworthy). */
export async function partialBytes(
  sidecarPath: string,
  partPath: string,
  sha256: string,
  size: number
): Promise<number> {
  return (await loadSidecar(sidecarPath, partPath, sha256, size))?.doneBytes ?? 0
}
