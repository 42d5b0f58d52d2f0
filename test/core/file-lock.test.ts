import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// A waiter can be slow between reading a stale lock and deleting it (a busy machine, a network
// share): the first deletion of the lock file is held back to make that moment certain.
const slowRm = vi.hoisted(() => ({ path: '', ms: 0 }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>()
  const rm: typeof real.rm = async (path, opts) => {
    if (slowRm.path && String(path) === slowRm.path) {
      const ms = slowRm.ms
      slowRm.path = ''
      await new Promise((r) => setTimeout(r, ms))
    }
    return real.rm(path, opts)
  }
  return { ...real, default: { ...real, rm }, rm }
})

const { isProcessAlive, withFileLock } = await import('../../src/main/core/file-lock')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-lock-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  const pid = Number(String(child.stdout))
  expect(isProcessAlive(pid)).toBe(false)
  return pid
}

describe('file lock', () => {
  it('records pid and host name', async () => {
    const lock = join(dir, 'state.lock')
    await withFileLock(lock, async () => {
      expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() })
    })
  })

  it('lets exactly one of many waiters take over a stale lock at a time', async () => {
    const lock = join(dir, 'state.lock')
    const stales = [String(deadPid()), JSON.stringify({ pid: deadPid(), host: hostname(), nonce: 'dead1' })]
    // Waiters arrive spread over a few milliseconds, so some read the stale lock while another has
    // already replaced it: the moment a careless takeover deletes a live lock.
    for (let round = 0; round < 2; round++) {
      writeFileSync(lock, stales[round % 2])
      let inside = 0
      let most = 0
      let entered = 0
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          await new Promise((r) => setTimeout(r, i % 4))
          await withFileLock(lock, async () => {
            inside++
            entered++
            most = Math.max(most, inside)
            await new Promise((r) => setTimeout(r, 1))
            inside--
          })
        })
      )
      expect(entered).toBe(8)
      expect(most).toBe(1)
      expect(readdirSync(dir)).toEqual([])
    }
  })

  it('a slow waiter never deletes the lock a faster one took over', async () => {
    const lock = join(dir, 'state.lock')
    writeFileSync(lock, String(deadPid()))
    slowRm.path = lock
    slowRm.ms = 150
    let inside = 0
    let most = 0
    const enter = () =>
      withFileLock(lock, async () => {
        inside++
        most = Math.max(most, inside)
        await new Promise((r) => setTimeout(r, 300))
        inside--
      })
    const first = enter()
    await new Promise((r) => setTimeout(r, 20))
    await Promise.all([first, enter()])
    expect(most).toBe(1)
  })

  it('never takes over a lock from another host by its pid', async () => {
    const lock = join(dir, 'state.lock')
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, nonce: 'far' }))
    await expect(withFileLock(lock, async () => 'entered', 300)).rejects.toThrow(/held by pid \d+ on not-/)
    expect(readFileSync(lock, 'utf8')).toContain('not-')
  })
})
