/**
 * Pins keep cache blobs alive while something outside the importer reads them (staging onto a stick,
 * serving): a delete or a sync's clean-up skips pinned blobs, and a later clean-up removes them once
 * nothing references or pins them. A pin is a file `<cache>/pins/<pid>-<n>.json` listing sha256s;
 * pins of dead processes are stale and ignored (then removed), so a crash never pins forever.
 */
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../core/atomic-file'
import { isProcessAlive } from '../core/file-lock'
import { readJsonDocument } from '../core/json-document'

const pinSchema = z
  .object({
    pid: z.number().int().positive(),
    sha256: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits'))
  })
  .strict()

let counter = 0

export interface BlobPin {
  release(): Promise<void>
}

export async function pinBlobs(pinsDir: string, sha256s: Iterable<string>): Promise<BlobPin> {
  await mkdir(pinsDir, { recursive: true })
  const path = join(pinsDir, `${process.pid}-${++counter}-${Date.now()}.json`)
  await writeFileAtomic(path, JSON.stringify({ pid: process.pid, sha256: [...sha256s] }))
  return { release: () => rm(path, { force: true }) }
}

/**
 * Every sha256 pinned by a live process. A pin lands by atomic rename, so one that cannot be read is
 * damaged: AppError 'damaged_file' naming it, and the clean-up that asked deletes nothing.
 */
export async function pinnedBlobs(pinsDir: string): Promise<Set<string>> {
  const out = new Set<string>()
  for (const name of await readdir(pinsDir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue
    const path = join(pinsDir, name)
    const pin = await readJsonDocument({ path, schema: pinSchema, what: 'a pin on cache files in use' })
    if (!pin) continue // released since the listing
    if (!isProcessAlive(pin.pid)) {
      await rm(path, { force: true }).catch(() => undefined)
      continue
    }
    for (const s of pin.sha256) out.add(s)
  }
  return out
}
