/**
 * One staging per target at a time, across processes: a lock file at the target's root, created
 * exclusively and holding the owner's pid. A second staging is refused (not queued); a lock left by a
 * dead process (crash, stick pulled and the process killed) is taken over.
 */
import { open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '@shared/errors'
import { isProcessAlive } from '../core/file-lock'
import { readLocalFile } from '../net/local-file'

export const STAGING_LOCK_FILE = '.maas-images-staging.lock'

/** Lock files this process holds now: one with our pid that is not here was left by a failed staging. */
const held = new Set<string>()

export interface TargetLock {
  release(): Promise<void>
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx')
    try {
      await fh.writeFile(String(process.pid))
      await fh.sync()
    } finally {
      await fh.close()
    }
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

export async function lockTarget(target: string): Promise<TargetLock> {
  const path = join(target, STAGING_LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    if (held.has(path)) throw new AppError('busy', `${target} is already being staged by this process`)
    if (await tryCreate(path)) {
      held.add(path)
      return {
        release: async () => {
          held.delete(path)
          await rm(path, { force: true })
        }
      }
    }
    // The target is a stick someone handed us: what sits at the lock's name may be a FIFO or a link to
    // /dev/zero. Only a small regular file under the target is read; anything else is no lock of ours.
    const text = await readLocalFile(path, 64, () => new AppError('io', `${path} is too big for a lock`), {
      root: target
    }).catch(() => Buffer.alloc(0))
    const owner = Number(text.toString('utf8').trim())
    if (owner && owner !== process.pid && isProcessAlive(owner)) {
      throw new AppError('busy', `${target} is being staged by process ${owner}; wait for it or stop it`)
    }
    // Dead owner, our own pid from a staging that failed (stick pulled), or an empty file: stale.
    await rm(path, { force: true })
  }
  throw new AppError('busy', `cannot take the staging lock ${path}`)
}
