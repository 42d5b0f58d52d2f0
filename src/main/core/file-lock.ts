/**
 * A short-lived cross-process lock (app + CLI on one data directory) around read-modify-write of
 * state files. The lock file holds its owner's pid, host name and a random nonce; a lock left by a
 * dead process on this host is taken over, so a crash never wedges the data directory. A lock from
 * another host (a data directory on a network share) is never judged by pid: that pid means nothing here.
 *
 * Taking over is the racy part: two waiters may both read the same stale lock, and the slower one
 * must not then delete the lock the faster one has just created. So only the waiter that creates
 * `<lock>.takeover-<nonce of the stale lock>` (exclusively) may remove it, and it re-reads the lock
 * first: nonces are never reused, so a lock with that nonce is still the dead one.
 */
import { link, open, readFile, rm, mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { AppError } from '@shared/errors'

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

interface LockOwner {
  pid: number
  host: string
  nonce: string
}

function newOwner(): LockOwner {
  return { pid: process.pid, host: hostname(), nonce: randomBytes(12).toString('hex') }
}

/** The owner a lock file names; an older version wrote the bare pid. */
function parseOwner(text: string): LockOwner | undefined {
  const t = text.trim()
  if (/^\d+$/.test(t)) return { pid: Number(t), host: hostname(), nonce: `pid-${t}` }
  try {
    const o = JSON.parse(t) as Partial<LockOwner>
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.nonce === 'string')
      return { pid: o.pid, host: o.host, nonce: o.nonce.replace(/[^a-z0-9-]/gi, '') }
  } catch {
    // unreadable: treated as held (see isStale)
  }
  return undefined
}

/**
 * Creates `path` holding `owner`, or returns false when it exists. The content is written to a temp
 * file first and linked into place, so a lock file is never seen empty or half-written.
 */
async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  const tmp = `${path}.${owner.nonce}.tmp`
  await writeFile(tmp, JSON.stringify(owner), { mode: 0o600 })
  try {
    await link(tmp, path)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // A file system without hard links: an exclusive create, written right after.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return createExclusive(path, owner)
    throw err
  } finally {
    await rm(tmp, { force: true })
  }
}

async function createExclusive(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const fh = await open(path, 'wx', 0o600)
    try {
      await fh.writeFile(JSON.stringify(owner))
    } finally {
      await fh.close()
    }
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

async function readOwner(path: string): Promise<{ text: string; owner?: LockOwner } | undefined> {
  try {
    const text = await readFile(path, 'utf8')
    return { text, owner: parseOwner(text) }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** Only a dead pid on this very host is certainly stale; anything unreadable is left alone. */
function isStale(owner: LockOwner | undefined): owner is LockOwner {
  return !!owner && owner.host === hostname() && owner.pid !== process.pid && !isProcessAlive(owner.pid)
}

/** Takeover markers of takeover markers: each level needs a crash during a takeover. */
const MAX_TAKEOVER_DEPTH = 3

/** Removes the lock at `path` if it is stale, safely against other waiters doing the same. */
async function removeIfStale(path: string, depth = 0): Promise<void> {
  const seen = await readOwner(path)
  if (!seen || !isStale(seen.owner)) return
  const marker = `${path}.takeover-${seen.owner.nonce}`
  if (!(await tryCreate(marker, newOwner()))) {
    // Another waiter is taking it over; unless it died doing so (then its marker is stale in turn).
    if (depth < MAX_TAKEOVER_DEPTH) await removeIfStale(marker, depth + 1)
    return
  }
  try {
    // Still the dead owner's lock? Nonces are unique, so the same text means the same lock.
    const now = await readOwner(path)
    if (now && now.text === seen.text) await rm(path, { force: true })
  } finally {
    await rm(marker, { force: true })
  }
}

export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  await mkdir(dirname(path), { recursive: true })
  const deadline = Date.now() + timeoutMs
  const owner = newOwner()
  let delay = 5
  while (!(await tryCreate(path, owner))) {
    await removeIfStale(path)
    if (Date.now() > deadline) {
      const holder = (await readOwner(path).catch(() => undefined))?.owner
      const who = holder ? ` (held by pid ${holder.pid} on ${holder.host})` : ''
      throw new AppError('busy', `timed out waiting for the lock ${path}${who}`)
    }
    await new Promise((r) => setTimeout(r, delay))
    delay = Math.min(delay * 2, 100)
  }
  try {
    return await fn()
  } finally {
    // Only our own lock: never one a waiter created after wrongly judging ours stale.
    const now = await readOwner(path).catch(() => undefined)
    if (now?.owner?.nonce === owner.nonce) await rm(path, { force: true })
  }
}
