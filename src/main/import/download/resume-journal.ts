/**
 * The resume journal of a partial download (`<sha>.part.progress`): a header line, then one
 * `start end` line per byte range written to the partial file. A line is appended only after the
 * positional write it describes completed, so after a kill -9 (the page cache survives) the journal
 * never claims a byte that is not in the file, and it is never behind by more than the writes in
 * flight. Opening a partial rewrites the journal compactly (merged ranges).
 *
 * Nothing is fsynced: after a power loss it might claim bytes that never reached the disk, which the
 * checksum catches (the downloader then starts that file once more from byte 0).
 */
import { writeSync } from 'node:fs'
import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises'
import { FileRanges } from './file-ranges'

const HEADER_V = 2

interface Header {
  v: number
  sha256: string
  size: number
}

/** Merged written ranges of a partial, or null when there is no usable journal. */
export async function loadResumeJournal(
  path: string,
  partPath: string,
  sha256: string,
  size: number
): Promise<FileRanges | null> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return null
  }
  const lines = text.split('\n')
  let header: Header
  try {
    header = JSON.parse(lines[0]) as Header
  } catch {
    return null
  }
  if (header?.v !== HEADER_V || header.sha256 !== sha256 || header.size !== size) return null
  const ranges: Array<[number, number]> = []
  for (const line of lines.slice(1)) {
    // A torn last line (power loss mid-append) is simply not counted.
    const m = /^(\d+) (\d+)$/.exec(line)
    if (!m) continue
    const a = Number(m[1])
    const b = Number(m[2])
    if (a < b && b <= size) ranges.push([a, b])
  }
  const ranges2 = FileRanges.fromCovered(size, ranges)
  const st = await stat(partPath).catch(() => null)
  // A partial shorter than what the journal says was written cannot be trusted.
  if (!st || st.size < ranges2.highestWritten) return null
  return ranges2
}

/** Bytes of a blob already downloaded in its partial file (0 when none or untrustworthy). */
export async function partialBytes(
  path: string,
  partPath: string,
  sha256: string,
  size: number
): Promise<number> {
  return (await loadResumeJournal(path, partPath, sha256, size))?.doneBytes ?? 0
}

export class ResumeJournal {
  private closed = false

  private constructor(private readonly fh: FileHandle) {}

  /** Starts (or compacts) the journal with the ranges already written. */
  static async create(path: string, sha256: string, ranges: FileRanges): Promise<ResumeJournal> {
    const header: Header = { v: HEADER_V, sha256, size: ranges.size }
    const lines = [JSON.stringify(header), ...ranges.writtenRanges().map(([a, b]) => `${a} ${b}`)]
    const tmp = `${path}.tmp`
    await writeFile(tmp, lines.join('\n') + '\n')
    await rename(tmp, path)
    return new ResumeJournal(await open(path, 'a'))
  }

  /**
   * Records that [start, end) is on disk. Synchronous on purpose: a ~20-byte append into the page cache
   * takes microseconds, and an async one could wait in the thread pool behind large writes and fsyncs,
   * which is exactly what a kill -9 then loses. Failures (a full disk) only make the journal under-claim.
   */
  record(start: number, end: number): void {
    if (this.closed || end <= start) return
    try {
      writeSync(this.fh.fd, `${start} ${end}\n`)
    } catch {
      // Under-claiming is safe.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.fh.close().catch(() => undefined)
  }
}

export async function removeResumeJournal(path: string): Promise<void> {
  await rm(path, { force: true })
  await rm(`${path}.tmp`, { force: true })
}
