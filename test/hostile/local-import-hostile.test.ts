/**
 * An import from a local mirror (a directory, a USB stick) through the CLI, in a child process as an admin runs
 * it. The stick is as untrusted as a server: an item that is a link out of the mirror's root is refused with
 * "refused" alone (a copy of the right bytes elsewhere is not accepted; a private file's size and sha256 reach
 * neither the terminal nor last-import.json), and a clean import prints no Node warning on the terminal.
 */
import { createHash } from 'node:crypto'
import { copyFile, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { streamFixture, type StreamFixture } from '../support/stream-fixture'
import { spawnCli, useTestTemp, type CliRun } from './hostile-mirror'

const temp = useTestTemp()

async function localMirror(scale: number): Promise<StreamFixture> {
  return temp.keep(
    await streamFixture({
      scale,
      releases: ['noble'],
      arches: ['amd64'],
      centos: false,
      bootloaders: false,
      versionsPerProduct: 1
    })
  )
}

/** Points boot source 1 of a new data directory at the directory, then imports in the foreground. */
async function importFromDirectory(mirror: StreamFixture): Promise<CliRun & { data: string }> {
  const data = await temp.dataDir('maas-local-import-')
  const update = await spawnCli(data, [
    'boot-source',
    'update',
    '1',
    `url=${mirror.stream.dir}`,
    `keyring_filename=${mirror.stream.keyringPath}`
  ]).done
  expect(update.code, update.stderr).toBe(0)
  return { ...(await spawnCli(data, ['boot-resources', 'import', '--wait']).done), data }
}

/** Every squashfs of the mirror replaced by a link to `target(item)`. */
async function linkSquashfs(
  mirror: StreamFixture,
  target: (path: string) => Promise<string>
): Promise<string[]> {
  const items = mirror.stream.items.filter((i) => i.path.endsWith('squashfs'))
  expect(items.length).toBeGreaterThan(0)
  for (const i of items) {
    const at = join(mirror.stream.dir, i.path)
    const to = await target(at)
    await rm(at)
    await symlink(to, at)
  }
  return items.map((i) => join(mirror.stream.dir, i.path))
}

const lastImport = async (data: string): Promise<string> => readFile(join(data, 'last-import.json'), 'utf8')

describe('import from a local directory', () => {
  it('refuses a squashfs that is a link out of the root, even to the right bytes', async () => {
    const fx = await localMirror(0.0001)
    const links = await linkSquashfs(fx, async (at) => {
      const copy = join(fx.tmp, `copy-${createHash('sha256').update(at).digest('hex').slice(0, 8)}`)
      await copyFile(at, copy)
      return copy
    })
    const r = await importFromDirectory(fx)
    expect(r.code, r.stderr).toBe(1)
    for (const link of links) {
      const refused = `${link} is a link that leads outside the mirror root ${fx.stream.dir}: refused`
      expect(r.stderr).toContain(refused)
      expect(await lastImport(r.data)).toContain(JSON.stringify(refused).slice(1, -1))
    }
  }, 120_000)

  it('names nothing of a private file an item links to: neither its size nor its sha256', async () => {
    const fx = await localMirror(0.0001)
    // An odd size that no progress line or figure of the stream shows by chance.
    const secret = Buffer.alloc(12_345, 'the root password is hunter2\n')
    const secretPath = join(fx.tmp, 'private.txt')
    await writeFile(secretPath, secret)
    const secretSha = createHash('sha256').update(secret).digest('hex')
    await linkSquashfs(fx, async () => secretPath)
    const r = await importFromDirectory(fx)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain(': refused')
    const recorded = await lastImport(r.data)
    for (const text of [r.stderr, r.stdout, recorded]) {
      expect(text).not.toContain(secretSha)
      expect(text).not.toMatch(/\b12,?345\b/)
      expect(text).not.toContain('private.txt')
    }
  }, 120_000)

  it('prints no warning on the terminal (a listener per local range would overflow the abort signal)', async () => {
    // Items of some MB: one connection chains more than 10 ranges over one signal.
    const fx = await localMirror(0.1)
    const r = await importFromDirectory(fx)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/Warning/)
  }, 240_000)
})
