/**
 * Content-addressed blob cache: `<dataDir>/cache/sha256/ab/abcdef…`. A blob enters only after its
 * sha256 matched, by fsync + atomic rename, so anything under sha256/ is always whole and verified.
 * Partial downloads live under partial/ with a resume journal so they survive a kill -9.
 */
import { mkdir, readdir, rename, rm, stat, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '@shared/errors'
import { pinBlobs, pinnedBlobs, type BlobPin } from './blob-pins'
import { syncDirectory } from '../core/atomic-file'
import { dataLayout } from '../core/data-layout'

const SHA256 = /^[0-9a-f]{64}$/

function checkSha(sha256: string): string {
  // The digest becomes a path: never let anything but 64 hex digits near the file system.
  if (!SHA256.test(sha256)) throw new AppError('invalid_argument', `not a sha256 digest: ${sha256}`)
  return sha256
}

export class BlobCache {
  readonly root: string
  readonly blobsDir: string
  readonly partialDir: string
  readonly pinsDir: string

  constructor(dataDir: string) {
    const layout = dataLayout(dataDir)
    this.root = layout.cache
    this.blobsDir = layout.cacheBlobs
    this.partialDir = layout.cachePartial
    this.pinsDir = layout.cachePins
  }

  /**
   * Keeps these blobs on disk until release(), across processes: remove() and gc() skip them (staging
   * reads them while a delete or a sync may run). Release in a finally.
   */
  pin(sha256s: Iterable<string>): Promise<BlobPin> {
    return pinBlobs(this.pinsDir, [...sha256s].map(checkSha))
  }

  async init(): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true })
    await mkdir(this.partialDir, { recursive: true })
  }

  blobPath(sha256: string): string {
    return join(this.blobsDir, checkSha(sha256).slice(0, 2), sha256)
  }

  partPath(sha256: string): string {
    return join(this.partialDir, `${checkSha(sha256)}.part`)
  }

  /** The resume journal of a partial download (see import/download/resume-journal.ts). */
  journalPath(sha256: string): string {
    return `${this.partPath(sha256)}.progress`
  }

  /** True when the verified blob is present with the expected size. */
  async has(sha256: string, size?: number): Promise<boolean> {
    try {
      const st = await stat(this.blobPath(sha256))
      return st.isFile() && (size === undefined || st.size === size)
    } catch {
      return false
    }
  }

  /** Moves a fully written, already fsynced and verified partial file into the cache. */
  async commit(partPath: string, sha256: string): Promise<string> {
    const dest = this.blobPath(sha256)
    const dir = join(this.blobsDir, sha256.slice(0, 2))
    await mkdir(dir, { recursive: true })
    await rename(partPath, dest)
    // The rename is only durable once the directory entry is on disk.
    await syncDirectory(dir)
    return dest
  }

  /** Deletes a blob unless a live pin holds it; returns whether it was deleted. */
  async remove(sha256: string, pinned?: ReadonlySet<string>): Promise<boolean> {
    const path = this.blobPath(sha256)
    if ((pinned ?? (await pinnedBlobs(this.pinsDir))).has(sha256)) return false
    await rm(path, { force: true })
    return true
  }

  async removePartial(sha256: string): Promise<void> {
    await rm(this.partPath(sha256), { force: true })
    await rm(this.journalPath(sha256), { force: true })
    await rm(`${this.journalPath(sha256)}.tmp`, { force: true })
  }

  /** Every sha256 held in the cache. */
  async list(): Promise<string[]> {
    const out: string[] = []
    for (const sub of await readdir(this.blobsDir).catch(() => [] as string[])) {
      for (const name of await readdir(join(this.blobsDir, sub)).catch(() => [] as string[])) {
        if (SHA256.test(name) && name.startsWith(sub)) out.push(name)
      }
    }
    return out
  }

  /** sha256 of every partial download present. */
  async listPartials(): Promise<string[]> {
    const names = await readdir(this.partialDir).catch(() => [] as string[])
    return names.filter((n) => n.endsWith('.part') && SHA256.test(n.slice(0, 64))).map((n) => n.slice(0, 64))
  }

  /** Deletes blobs (and partials) whose sha256 is not in `keep`; returns the blobs removed. */
  async gc(keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = []
    // Pinned blobs stay (something is reading them); a later gc removes them once unpinned.
    const pinned = await pinnedBlobs(this.pinsDir)
    for (const sha of await this.list()) {
      if (!keep.has(sha) && (await this.remove(sha, pinned))) removed.push(sha)
    }
    for (const sha of await this.listPartials()) {
      if (!keep.has(sha)) await this.removePartial(sha)
    }
    // Journals without a partial, and temp files, are leftovers of a crash.
    for (const n of await readdir(this.partialDir).catch(() => [] as string[])) {
      const orphan =
        n.endsWith('.part.progress') &&
        !(await exists(join(this.partialDir, n.slice(0, -'.progress'.length))))
      if (orphan || n.endsWith('.tmp')) await rm(join(this.partialDir, n), { force: true })
    }
    return removed
  }

  async freeBytes(): Promise<number> {
    const st = await statfs(this.root)
    return Number(st.bavail) * Number(st.bsize)
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}
