/**
 * Pins keep cache blobs alive while something outside the importer reads them (staging onto a stick,
 * serving): a delete or a sync's clean-up skips pinned blobs, and a later clean-up removes them once
 * nothing references or pins them. A pin is a file `<cache>/pins/<pid>-<n>.json` listing sha256s;
 * pins of dead processes are stale and ignored (then removed), so a crash never pins forever.
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../core/atomic-file'
import { isProcessAlive } from '../core/file-lock'

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

/** Every sha256 pinned by a live process. */
export async function pinnedBlobs(pinsDir: string): Promise<Set<string>> {
  const out = new Set<string>()
  for (const name of await readdir(pinsDir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue
    const path = join(pinsDir, name)
    let pin: { pid?: unknown; sha256?: unknown }
    try {
      pin = JSON.parse(await readFile(path, 'utf8')) as typeof pin
    } catch {
      continue // being written (atomic rename makes this rare) or damaged: not a pin
    }
    if (typeof pin.pid !== 'number' || !isProcessAlive(pin.pid)) {
      await rm(path, { force: true }).catch(() => undefined)
      continue
    }
    if (Array.isArray(pin.sha256)) for (const s of pin.sha256) if (typeof s === 'string') out.add(s)
  }
  return out
}
