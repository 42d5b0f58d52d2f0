/**
 * One staging per target at a time, across processes: a lock file at the target's root, created
 * exclusively and holding the owner's pid. A second staging is refused (not queued); a lock left by a
 * dead process (crash, stick pulled and the process killed) is taken over.
 *
 * The lock's name is on the target, which is as untrusted as any other name there: it is created
 * O_CREAT|O_EXCL|O_NOFOLLOW (never through a planted link, never a blocking open of a FIFO), a link at
 * its name is removed (never followed), a FIFO, device, socket or folder there is refused by name, and
 * a stale lock is read through the bounded local reader (a few bytes at most, regular files only).
 */
import { constants as fsConstants } from 'node:fs'
import { lstat, open, rm, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '@shared/errors'
import { CREATE_FLAGS, describeKind } from '../core/contained-path'
import { isProcessAlive } from '../core/file-lock'
import { readLocalFile } from '../net/local-file'

export const STAGING_LOCK_FILE = '.maas-images-staging.lock'

/** A pid is at most 10 digits; a bigger "lock" is not ours. */
const MAX_LOCK_BYTES = 64

/** Lock files this process holds now: one with our pid that is not here was left by a failed staging. */
const held = new Set<string>()

export interface TargetLock {
  release(): Promise<void>
  /** forgets the lock without touching the target (one that stopped answering): a later staging takes it over */
  abandon(): void
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, CREATE_FLAGS | fsConstants.O_WRONLY, 0o666)
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

/** The pid in an existing lock, 0 when there is none to read; a link there is removed, anything else refused. */
async function lockOwner(path: string, target: string): Promise<number> {
  const st = await lstat(path).catch(() => null)
  if (!st) return 0
  if (st.isSymbolicLink()) {
    // Never ours: remove the link itself (unlink does not follow it) and take the lock.
    await unlink(path).catch(() => undefined)
    return 0
  }
  if (!st.isFile())
    throw new AppError(
      'unsafe_path',
      `refusing to stage: the staging lock ${path} is ${describeKind(st)}, not a file staging wrote. ` +
        'Remove it, or choose another target.'
    )
  const text = await readLocalFile(
    path,
    MAX_LOCK_BYTES,
    () => new AppError('unsafe_path', `refusing to stage: the staging lock ${path} is not one staging wrote`),
    { root: target }
  ).catch((err: unknown) => {
    if ((err as AppError).code === 'not_found') return Buffer.alloc(0)
    throw err
  })
  return Number(text.toString('utf8').trim()) || 0
}

/** Locks `target` (the target's real path). */
export async function lockTarget(target: string): Promise<TargetLock> {
  const path = join(target, STAGING_LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    if (held.has(path)) throw new AppError('busy', `${target} is already being staged by this process`)
    if (await tryCreate(path)) {
      held.add(path)
      return {
        release: async () => {
          held.delete(path)
          // rm removes a name, never what a link there points at.
          await rm(path, { force: true })
        },
        abandon: () => void held.delete(path)
      }
    }
    const owner = await lockOwner(path, target)
    if (owner && owner !== process.pid && isProcessAlive(owner)) {
      throw new AppError('busy', `${target} is being staged by process ${owner}; wait for it or stop it`)
    }
    // Dead owner, our own pid from a staging that failed (stick pulled), or an empty file: stale.
    await rm(path, { force: true })
  }
  throw new AppError('busy', `cannot take the staging lock ${path}`)
}
