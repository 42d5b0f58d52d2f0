/**
 * The staging lock sits on the target, a stick someone handed us: what is already at its name may be a FIFO
 * or a link to /dev/zero. Reading it as a pid file must neither block nor read without end. A link is no lock
 * of ours, so staging takes the name over (the link is removed, never what it points at); a FIFO shows the
 * target was tampered with, so staging refuses it by name, at once.
 */
import { execFileSync } from 'node:child_process'
import { lstat, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAGING_LOCK_FILE, lockTarget } from '../../src/main/stage/target-lock'
import { tempDir } from '../import/helpers'

let tmp: string
beforeAll(async () => {
  tmp = await tempDir('target-lock-planted-')
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

async function lockOver(name: string, plant: (at: string) => Promise<void>): Promise<string> {
  const target = join(tmp, name)
  await mkdir(target)
  const at = join(target, STAGING_LOCK_FILE)
  await plant(at)
  const lock = await lockTarget(target)
  expect((await lstat(at)).isFile()).toBe(true)
  expect(await readFile(at, 'utf8')).toBe(String(process.pid))
  await lock.release()
  return at
}

describe('staging lock over a planted entry', () => {
  it('a FIFO at the lock name is refused by name at once, never opened (opening it would block staging for ever)', async () => {
    const target = join(tmp, 'fifo')
    await mkdir(target)
    execFileSync('mkfifo', [join(target, STAGING_LOCK_FILE)])
    // Bounded by the test's own timeout: before, the open of the FIFO never returned.
    await expect(lockTarget(target)).rejects.toThrow(/staging lock .* is a FIFO/)
    expect((await lstat(join(target, STAGING_LOCK_FILE))).isFIFO()).toBe(true)
  })

  it('a link at the lock name to /dev/zero is taken over without reading the device', async () => {
    await lockOver('zero', (at) => symlink('/dev/zero', at))
  })

  it('a link at the lock name to a file elsewhere leaves that file as it was', async () => {
    const elsewhere = join(tmp, 'precious.txt')
    await writeFile(elsewhere, '1')
    await lockOver('link', (at) => symlink(elsewhere, at))
    expect(await readFile(elsewhere, 'utf8')).toBe('1')
    expect((await stat(elsewhere)).isFile()).toBe(true)
  })
})
