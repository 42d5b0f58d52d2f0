/**
 * A directory of byte-exact documents named by their sha256 (never by a stream path: ':' is not
 * allowed on FAT/exFAT and Windows), plus a manifest.json saying what they are. It is replaced as a
 * whole under a cross-process lock (`<dir>.lock`): each blob and the manifest land by atomic rename,
 * then blobs the new manifest does not name are swept. Writers of one directory (the app and a CLI
 * import) take turns, since each one's sweep would otherwise delete the other's new files.
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic-file'
import { withFileLock } from './file-lock'

export const MANIFEST_NAME = 'manifest.json'

export function sha256Of(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * Writes `blobs` into `dir`, then the manifest `manifestFor` builds from their digests (in the same
 * order), then removes every other file. Returns the digests.
 */
export async function replaceBlobDir(
  dir: string,
  blobs: readonly Uint8Array[],
  manifestFor: (digests: ReadonlyArray<{ sha256: string; size: number }>) => unknown
): Promise<Array<{ sha256: string; size: number }>> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  return withFileLock(`${dir}.lock`, async () => {
    const digests: Array<{ sha256: string; size: number }> = []
    for (const raw of blobs) {
      const sha256 = sha256Of(raw)
      // Atomic like the manifest: a crash mid-write must not leave a truncated blob under a name that
      // says it holds these bytes, and a rename replaces whatever was there instead of writing through it.
      await writeFileAtomic(join(dir, sha256), raw)
      digests.push({ sha256, size: raw.length })
    }
    await writeFileAtomic(join(dir, MANIFEST_NAME), `${JSON.stringify(manifestFor(digests), null, 1)}\n`)
    const keep = new Set([MANIFEST_NAME, ...digests.map((d) => d.sha256)])
    for (const name of await readdir(dir)) if (!keep.has(name)) await rm(join(dir, name), { force: true })
    return digests
  })
}
