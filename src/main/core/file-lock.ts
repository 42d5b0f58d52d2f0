/**
 * A short-lived cross-process lock (app + CLI on one data directory) around read-modify-write of
 * state files. The lock file holds the owner's pid; a lock left by a dead process is taken over,
 * so a crash never wedges the data directory.
 */
import { open, readFile, rm, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { AppError } from '../../shared/errors'

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else; that still holds the lock.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx')
    await fh.writeFile(String(process.pid))
    await fh.close()
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

async function removeIfStale(path: string): Promise<void> {
  const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim())
  // An empty file may be one being written right now; only a dead pid is certainly stale.
  if (owner && owner !== process.pid && !isProcessAlive(owner)) await rm(path, { force: true })
}

export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  await mkdir(dirname(path), { recursive: true })
  const deadline = Date.now() + timeoutMs
  let delay = 5
  while (!(await tryCreate(path))) {
    await removeIfStale(path)
    if (Date.now() > deadline) throw new AppError('busy', `timed out waiting for the lock ${path}`)
    await new Promise((r) => setTimeout(r, delay))
    delay = Math.min(delay * 2, 100)
  }
  try {
    return await fn()
  } finally {
    await rm(path, { force: true })
  }
}
