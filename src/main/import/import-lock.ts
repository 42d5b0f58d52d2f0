/**
 * One import at a time per data directory, across the app and the CLI. The lock file holds the
 * owner's pid and a random token; it survives a crash, and a lock whose pid is dead is taken over.
 * A stop request is a file next to it that the running import polls, so `stop-import` works from
 * another process.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dataLayout } from '../core/data-layout'
import { AppError } from '@shared/errors'
import { isProcessAlive } from '../core/file-lock'

export interface LockInfo {
  pid: number
  token: string
  host: string
  started_at: string
}

export const lockPath = (dataDir: string): string => dataLayout(dataDir).importLock
export const stopPath = (dataDir: string): string => dataLayout(dataDir).importStop
const guardPath = (dataDir: string): string => dataLayout(dataDir).importLockTakeover

async function readLock(path: string): Promise<LockInfo | 'missing' | 'garbled'> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw err
  }
  try {
    const v = JSON.parse(text) as LockInfo
    return typeof v.pid === 'number' && typeof v.token === 'string' ? v : 'garbled'
  } catch {
    return 'garbled'
  }
}

/** The live holder of the import lock, or null when no import runs (a stale lock counts as none). */
export async function lockHolder(dataDir: string): Promise<LockInfo | null> {
  const info = await readLock(lockPath(dataDir))
  if (info === 'missing' || info === 'garbled') return null
  // Another host sharing the directory (NFS) cannot be probed; trust its lock.
  if (info.host !== hostname()) return info
  return isProcessAlive(info.pid) ? info : null
}

export class ImportLock {
  private released = false
  private constructor(
    readonly dataDir: string,
    readonly info: LockInfo
  ) {}

  static async acquire(dataDir: string): Promise<ImportLock> {
    await mkdir(dataDir, { recursive: true })
    const info: LockInfo = {
      pid: process.pid,
      token: randomBytes(8).toString('hex'),
      host: hostname(),
      started_at: new Date().toISOString()
    }
    const path = lockPath(dataDir)
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const fh = await open(path, 'wx')
        try {
          await fh.writeFile(JSON.stringify(info))
        } finally {
          await fh.close()
        }
        // A stop request left over from an import that died is not meant for this one.
        await rm(stopPath(dataDir), { force: true })
        return new ImportLock(dataDir, info)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const current = await readLock(path)
      if (current === 'missing') continue
      if (current === 'garbled') {
        // Between create and write of another process; only an old garbled file is debris.
        const age =
          Date.now() -
          (await stat(path).then(
            (s) => s.mtimeMs,
            () => Date.now()
          ))
        if (age < 5000) {
          await new Promise((r) => setTimeout(r, 50))
          continue
        }
      } else if (current.host !== hostname() || isProcessAlive(current.pid)) {
        throw busyError(dataDir, current)
      }
      await takeOver(dataDir, current)
    }
    throw new AppError('busy', `could not take the import lock ${path}`)
  }

  /** Whether another process asked this import to stop. */
  async stopRequested(): Promise<boolean> {
    try {
      await stat(stopPath(this.dataDir))
      return true
    } catch {
      return false
    }
  }

  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    await rm(stopPath(this.dataDir), { force: true })
    const current = await readLock(lockPath(this.dataDir))
    // Only remove our own lock: never one a later import took over.
    if (current !== 'missing' && current !== 'garbled' && current.token === this.info.token) {
      await rm(lockPath(this.dataDir), { force: true })
    }
  }
}

export function busyError(dataDir: string, holder: LockInfo): AppError {
  return new AppError(
    'busy',
    `an import of boot resources is already running (pid ${holder.pid}, started ${holder.started_at}) ` +
      `on ${dataDir}; wait for it or stop it with "boot-resources stop-import"`
  )
}

/** Removes a stale lock, guarded so that two processes taking it over at once cannot remove a fresh one. */
async function takeOver(dataDir: string, stale: LockInfo | 'garbled'): Promise<void> {
  const guard = guardPath(dataDir)
  try {
    await writeFile(guard, String(process.pid), { flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    // Someone else is taking over; a guard older than 10 s belongs to a process that died doing so.
    const age =
      Date.now() -
      (await stat(guard).then(
        (s) => s.mtimeMs,
        () => Date.now()
      ))
    if (age > 10_000) await rm(guard, { force: true })
    await new Promise((r) => setTimeout(r, 50))
    return
  }
  try {
    const again = await readLock(lockPath(dataDir))
    const same =
      again === 'garbled'
        ? stale === 'garbled'
        : again !== 'missing' && stale !== 'garbled' && again.token === stale.token
    if (same) await rm(lockPath(dataDir), { force: true })
  } finally {
    await rm(guard, { force: true })
  }
}

/** Asks the import holding the lock to stop; false when none runs. */
export async function requestStopFile(dataDir: string): Promise<boolean> {
  const holder = await lockHolder(dataDir)
  if (!holder) return false
  await writeFile(
    stopPath(dataDir),
    JSON.stringify({ token: holder.token, requested_at: new Date().toISOString() })
  )
  return true
}
