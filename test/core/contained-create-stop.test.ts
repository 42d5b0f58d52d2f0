/**
 * A stop that arrives while createFileExclusive's open is running (src/main/core/contained-path.ts): the call
 * rejects cancelled only after the file that open made is gone, so a stopped staging leaves no temp file.
 * The open is the real one; the stand-in only fires the stop the moment it starts and keeps its promise, so
 * the test can wait for the open itself to finish before looking.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import * as realFs from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'

const hook = vi.hoisted(() => ({
  onCreate: undefined as undefined | (() => void),
  opened: [] as Array<Promise<unknown>>
}))

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const open: typeof fs.open = (path, flags, mode) => {
    const p = fs.open(path, flags, mode)
    if (typeof flags === 'number' && flags & realFs.constants.O_CREAT && hook.onCreate) {
      hook.opened.push(p)
      hook.onCreate()
    }
    return p
  }
  return { ...fs, default: { ...fs, open }, open }
})

const { containedRoot, createFileExclusive } = await import('../../src/main/core/contained-path')

const dirs: string[] = []
afterEach(() => {
  hook.onCreate = undefined
  hook.opened.length = 0
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('createFileExclusive stopped mid-open', () => {
  it('rejects cancelled and leaves no file, even once the open has finished', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-stop-'))
    dirs.push(dir)
    const stop = new AbortController()
    const root = await containedRoot(dir, stop.signal)
    hook.onCreate = () => stop.abort()
    const path = join(root.real, 'sub', 'file.maas-images-tmp')
    await expect(createFileExclusive(root, path)).rejects.toMatchObject({ code: 'cancelled' })
    expect(hook.opened).toHaveLength(1)
    // Whatever the open was doing is over, and any clean-up chained to it has had its turn.
    await Promise.allSettled(hook.opened)
    await new Promise((r) => setImmediate(r))
    expect(existsSync(path)).toBe(false)
    expect(readdirSync(join(root.real, 'sub'))).toEqual([])
  })

  it('without a stop, the file is made and its handle returned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-stop-'))
    dirs.push(dir)
    const root = await containedRoot(dir, new AbortController().signal)
    const fh = await createFileExclusive(root, join(root.real, 'file'))
    await fh.close()
    expect(readdirSync(root.real)).toEqual(['file'])
  })
})
