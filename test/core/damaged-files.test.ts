/**
 * Every JSON document of the data directory treats a damaged file the same way: an AppError
 * 'damaged_file' naming the file, on read and on update, and the file left as it was (never replaced
 * by defaults or an empty list: an empty resources.json would let the cache clean-up delete every image).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { toErrorShape } from '@shared/errors'
import { dataLayout } from '../../src/main/core/data-layout'
import { SettingsStore } from '../../src/main/core/settings-store'
import { StateStore } from '../../src/main/core/state-store'
import { ResourceStore } from '../../src/main/library/resource-store'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

async function dataDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'damaged-'))
  dirs.push(d)
  return d
}

const stores = [
  {
    name: 'state.json',
    path: (d: string) => dataLayout(d).state,
    read: (d: string) => new StateStore(d).read(),
    update: (d: string) => new StateStore(d).update(() => undefined),
    wrongShape: JSON.stringify({ version: 1, initialized: true, sources: 'none' })
  },
  {
    name: 'settings.json',
    path: (d: string) => dataLayout(d).settings,
    read: (d: string) => new SettingsStore(d).read(),
    update: (d: string) => new SettingsStore(d).update({ auto_sync: false }),
    wrongShape: JSON.stringify({ connections: 1000 })
  },
  {
    name: 'resources.json',
    path: (d: string) => dataLayout(d).resources,
    read: (d: string) => new ResourceStore(d).read(),
    update: (d: string) => new ResourceStore(d).update(() => undefined),
    wrongShape: JSON.stringify({ version: 1, next_id: 3, resources: [{ id: 1, name: 'ubuntu/noble' }] })
  }
]

describe.each(stores)('a damaged $name', (store) => {
  it.each([
    ['not JSON', '{"version": 1, "sour'],
    ['of the wrong shape', store.wrongShape]
  ])('%s: read and update fail naming the file, and leave it untouched', async (_kind, content) => {
    const d = await dataDir()
    const path = store.path(d)
    await writeFile(path, content)
    for (const op of [store.read, store.update]) {
      const err = await op(d).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(toErrorShape(err)).toEqual({
        code: 'damaged_file',
        message: expect.stringContaining(`${path} (`)
      })
      expect(toErrorShape(err).message).toMatch(/is damaged: .+; repair it, or move it away/)
    }
    expect(await readFile(path, 'utf8')).toBe(content)
  })

  it('missing: reads as empty, and update creates it', async () => {
    const d = await dataDir()
    await expect(store.read(d)).resolves.toBeDefined()
    await store.update(d)
    JSON.parse(await readFile(store.path(d), 'utf8'))
  })
})
