/**
 * Every JSON file of the data directory treats a damaged file the same way: an AppError 'damaged_file'
 * naming the file, on read (and on update for the locked documents), and the file left as it was (never
 * replaced by defaults or an empty list: an empty resources.json would let the cache clean-up delete every
 * image, and an unreadable pin would let it delete what a staging is copying).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { toErrorShape } from '@shared/errors'
import { dataLayout } from '../../src/main/core/data-layout'
import { SettingsStore } from '../../src/main/core/settings-store'
import { StateStore } from '../../src/main/core/state-store'
import { ResourceStore } from '../../src/main/library/resource-store'
import { BlobCache } from '../../src/main/library/blob-cache'
import { importedManifestPath } from '../../src/main/library/imported-metadata'
import { stagedContent } from '../../src/main/library/staged-content'
import { ImportEngine } from '../../src/main/import/engine'
import { readProgressSnapshot } from '../../src/main/import/import-files'
import { cacheManifestPath, readCacheManifest } from '../../src/main/streams/metadata-cache'

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

const source = {
  id: 1,
  url: 'http://127.0.0.1:1/streams/v1/index.sjson',
  keyring_filename: '/k.gpg',
  keyring_data: '',
  created: '',
  updated: ''
}

/** Files one writer replaces whole, read through json-document with their schema. */
const files = [
  {
    name: 'last-import.json',
    path: (d: string) => dataLayout(d).lastImport,
    read: (d: string) =>
      new ImportEngine({
        dataDir: d,
        listSources: async () => [],
        getSettings: () => Promise.reject(new Error('not needed'))
      }).lastResult(),
    wrongShape: JSON.stringify({ ok: 'yes', failures: [] }),
    missing: null
  },
  {
    name: 'import-progress.json',
    path: (d: string) => dataLayout(d).importProgress,
    read: (d: string) => readProgressSnapshot(d),
    wrongShape: JSON.stringify({ importing: true, phase: 'mining' }),
    missing: null
  },
  {
    name: 'the imported metadata manifest.json',
    path: (d: string) => importedManifestPath(d, source.id),
    read: (d: string) => stagedContent(d, source),
    wrongShape: JSON.stringify({ version: 1, documents: 'all of them' }),
    missing: 'not_found'
  },
  {
    name: 'the metadata cache manifest.json',
    path: (d: string) => cacheManifestPath(dataLayout(d).metadataFor(source.id), source.url),
    read: (d: string) => readCacheManifest(dataLayout(d).metadataFor(source.id), source.url),
    wrongShape: JSON.stringify({ version: 1, source: source.url, documents: [{ path: 'x' }] }),
    missing: null
  },
  {
    name: 'a blob pin',
    path: (d: string) => join(dataLayout(d).cachePins, `${process.pid}-1-1.json`),
    read: (d: string) => new BlobCache(d).gc(new Set()),
    wrongShape: JSON.stringify({ pid: process.pid, sha256: ['../../state.json'] }),
    missing: []
  }
]

describe.each(files)('a damaged $name', (file) => {
  it.each([
    ['not JSON', '{"version": 1, "sour'],
    ['of the wrong shape', file.wrongShape]
  ])(
    '%s: reading it fails naming the file and the problem, and leaves it untouched',
    async (_kind, content) => {
      const d = await dataDir()
      const path = file.path(d)
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, content)
      const err = await file.read(d).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(toErrorShape(err)).toEqual({
        code: 'damaged_file',
        message: expect.stringMatching(/is damaged: .+; repair it, or move it away/)
      })
      expect(toErrorShape(err).message.startsWith(`${path} (`)).toBe(true)
      expect(await readFile(path, 'utf8')).toBe(content)
    }
  )

  it('missing: reads as nothing there', async () => {
    const d = await dataDir()
    const got = await file.read(d).then(
      (v: unknown) => v,
      (e: unknown) => toErrorShape(e).code
    )
    expect(got).toEqual(file.missing)
  })
})
