import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { StateStore } from '../../src/main/core/state-store'
import { ensureFirstRun, defaultKeyringPath, SYSTEM_KEYRING } from '../../src/main/core/first-run'
import { SourcesService, type ConnectFn } from '../../src/main/services/sources-service'
import { normaliseSourceUrl } from '../../src/main/services/boot-source-url'
import { AppError } from '@shared/errors'
import { selectionChangesSchema } from '@shared/schemas'
import { readFile } from 'node:fs/promises'
import { createMainServices } from '../../src/main/services'

let dir: string
let store: StateStore
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-src-'))
  store = new StateStore(dir)
  await ensureFirstRun(store, '/bundled/ring.gpg')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const make = (connect: ConnectFn = async () => undefined) =>
  new SourcesService({ store, connect, defaultKeyring: () => '/bundled/ring.gpg' })

/** The selection most tests start from: ubuntu/jammy amd64 on the given source. */
const addJammy = (service: SourcesService, sourceId = 1) =>
  service.createSelection({ boot_source_id: sourceId, os: 'ubuntu', release: 'jammy', arches: ['amd64'] })

describe('boot sources', () => {
  it('first run happens once', async () => {
    const service = make()
    await service.delete(1)
    await ensureFirstRun(store, '/bundled/ring.gpg')
    expect(await service.list()).toEqual([])
  })

  it('prefers the system keyring when the distribution ships it', () => {
    expect(defaultKeyringPath('/b.gpg', (p) => p === SYSTEM_KEYRING)).toBe(SYSTEM_KEYRING)
    expect(defaultKeyringPath('/b.gpg', () => false)).toBe('/b.gpg')
  })

  it('normalises stream roots to one trailing slash and keeps index URLs', () => {
    expect(normaliseSourceUrl('http://mirror/maas///')).toBe('http://mirror/maas/')
    expect(normaliseSourceUrl(' http://mirror/maas ')).toBe('http://mirror/maas/')
    expect(normaliseSourceUrl('http://m/streams/v1/index.json')).toBe('http://m/streams/v1/index.json')
  })

  it('creates only after connect succeeds, with a unique url and one keyring', async () => {
    const connect = vi.fn(async () => undefined)
    const service = make(connect)
    const s = await service.create({ url: 'http://mirror.local/maas', keyring_data: 'AAAA' })
    expect(s).toMatchObject({
      id: 2,
      url: 'http://mirror.local/maas/',
      keyring_filename: '',
      keyring_data: 'AAAA'
    })
    expect(connect).toHaveBeenCalledWith('http://mirror.local/maas/', {
      keyring_filename: '',
      keyring_data: 'AAAA'
    })
    await expect(service.create({ url: 'http://mirror.local/maas/' })).rejects.toThrow(/already exists/)
    await expect(
      service.create({ url: 'http://x/', keyring_filename: '/a', keyring_data: 'AAAA' })
    ).rejects.toThrow(/not both/)
    await expect(service.create({ url: 'http://y/', keyring_data: '%%%' })).rejects.toThrow(/base64/)
  })

  it('a failed connect leaves the old source working', async () => {
    const service = make(async () => {
      throw new AppError('signature', 'signature verification failed for streams/v1/index.sjson')
    })
    await expect(service.update({ id: 1, url: 'http://bad.example/' })).rejects.toThrow(/signature/)
    expect((await service.get(1)).url).toBe('https://images.maas.io/ephemeral-v3/stable/')
    await expect(service.create({ url: 'http://bad.example/' })).rejects.toThrow(/signature/)
    expect(await service.list()).toHaveLength(1)
  })

  it('update with a new url and no keyring saves the new url and keeps the keyring', async () => {
    const connect = vi.fn(async () => undefined)
    const service = make(connect)
    const before = await service.get(1)
    const after = await service.update({ id: 1, url: 'http://mirror.example/maas/' })
    expect(after.url).toBe('http://mirror.example/maas/')
    expect(after.keyring_filename).toBe(before.keyring_filename)
    expect((await service.get(1)).url).toBe('http://mirror.example/maas/')
    expect(connect).toHaveBeenCalledWith('http://mirror.example/maas/', {
      keyring_filename: before.keyring_filename,
      keyring_data: before.keyring_data
    })
  })

  it('keeps what Connect verified for the saved source (its new id), and a cache that cannot be written fails nothing', async () => {
    const kept: number[] = []
    const connect = vi.fn(async () => ({ keep: async (id: number) => void kept.push(id) }))
    const service = make(connect)
    const created = await service.create({ url: 'http://mirror.local/maas' })
    expect(kept).toEqual([created.id])
    await service.update({ id: 1, url: 'http://mirror.example/maas/' })
    expect(kept).toEqual([created.id, 1])

    const full = make(async () => ({
      keep: async () => {
        throw new AppError('io', 'cannot write metadata cache in /data/metadata/3: no space left on device')
      }
    }))
    const saved = await full.create({ url: 'http://other.local/' })
    expect((await full.get(saved.id)).url).toBe('http://other.local/')

    // A cancelled connect saves nothing, so nothing is kept either.
    const ac = new AbortController()
    const cancelled = make(async () => {
      ac.abort()
      return { keep: async (id: number) => void kept.push(id) }
    })
    await expect(cancelled.create({ url: 'http://third.local/' }, ac.signal)).rejects.toThrow()
    expect(kept).toEqual([created.id, 1])
  })

  it('deleting a source deletes its selections only', async () => {
    const service = make()
    const other = await service.create({ url: 'http://mirror/' })
    await addJammy(service, other.id)
    await service.delete(1)
    expect((await store.selections()).map((s) => s.boot_source_id)).toEqual([other.id])
  })

  it('(source, os, release) is unique, also on update', async () => {
    const service = make()
    const jammy = await addJammy(service)
    await expect(
      service.updateSelection({ boot_source_id: 1, id: jammy.id, release: 'noble' })
    ).rejects.toThrow(/ubuntu\/noble already exists/)
    await expect(
      service.createSelection({ boot_source_id: 9, os: 'ubuntu', release: 'x', arches: ['amd64'] })
    ).rejects.toThrow(/boot source 9 does not exist/)
  })

  it('concurrent writers (app + CLI) do not lose each other’s changes', async () => {
    const a = make()
    const b = new SourcesService({
      store: new StateStore(dir),
      connect: async () => undefined,
      defaultKeyring: () => ''
    })
    await Promise.all(
      ['bionic', 'focal', 'jammy', 'mantic', 'oracular', 'plucky'].map((release, i) =>
        (i % 2 ? a : b).createSelection({ boot_source_id: 1, os: 'ubuntu', release, arches: ['amd64'] })
      )
    )
    const releases = (await a.listSelections(1)).map((s) => s.release).sort()
    expect(releases).toEqual(['bionic', 'focal', 'jammy', 'mantic', 'noble', 'oracular', 'plucky'])
    expect(new Set((await a.listSelections(1)).map((s) => s.id)).size).toBe(7)
  })
})

describe('a whole selection change (applySelectionChanges)', () => {
  const changes = (arg: unknown) => selectionChangesSchema.parse(arg)
  const names = async () =>
    (await store.selections(1)).map((s) => `${s.id} ${s.os}/${s.release} ${s.arches.join(',')}`)

  it('deletes, updates and creates in one go, and says how many of each', async () => {
    const service = make()
    const jammy = await addJammy(service)
    // The create takes the name the delete frees: only deletes-first makes that legal.
    const applied = await service.applySelectionChanges(
      changes({
        boot_source_id: 1,
        delete: [1],
        update: [{ id: jammy.id, arches: ['amd64', 'arm64', 'arm64'] }],
        create: [{ os: 'ubuntu', release: 'noble', arches: ['arm64'] }]
      })
    )
    expect(applied).toMatchObject({ created: 1, updated: 1, deleted: 1 })
    expect(applied.selections.map((s) => `${s.os}/${s.release} ${s.arches.join(',')}`)).toEqual([
      'ubuntu/jammy amd64,arm64',
      'ubuntu/noble arm64'
    ])
    expect(await names()).toEqual([`${jammy.id} ubuntu/jammy amd64,arm64`, '3 ubuntu/noble arm64'])
    const created = applied.selections.find((s) => s.release === 'noble')!
    expect(created).toMatchObject({ subarches: ['*'], labels: ['*'] })
  })

  it('a refusal half-way leaves the stored selections byte for byte as they were', async () => {
    const service = make()
    const jammy = await addJammy(service)
    const before = await readFile(store.file, 'utf8')
    // The delete, the update and the first create are fine; the second create clashes with jammy.
    await expect(
      service.applySelectionChanges(
        changes({
          boot_source_id: 1,
          delete: [1],
          update: [{ id: jammy.id, arches: ['arm64'] }],
          create: [
            { os: 'ubuntu', release: 'focal', arches: ['amd64'] },
            { os: 'ubuntu', release: 'jammy', arches: ['amd64'] }
          ]
        })
      )
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/ubuntu\/jammy already exists/)
    })
    expect(await readFile(store.file, 'utf8')).toBe(before)

    // A selection that is gone, after a delete that would have worked: nothing changes either.
    await expect(
      service.applySelectionChanges(
        changes({ boot_source_id: 1, delete: [1], update: [{ id: 99, arches: ['amd64'] }] })
      )
    ).rejects.toMatchObject({
      code: 'not_found',
      message: 'boot source selection 99 does not exist in boot source 1'
    })
    expect(await readFile(store.file, 'utf8')).toBe(before)
  })

  it('refuses a source that does not exist, and a change that names its source twice', async () => {
    const service = make()
    await expect(service.applySelectionChanges(changes({ boot_source_id: 9, delete: [1] }))).rejects.toThrow(
      'boot source 9 does not exist'
    )
    // Every part belongs to the change's one source: a part cannot name another.
    expect(
      selectionChangesSchema.safeParse({
        boot_source_id: 1,
        create: [{ boot_source_id: 2, os: 'ubuntu', release: 'focal', arches: ['amd64'] }]
      }).success
    ).toBe(false)
    // Another source's selection is not this source's to change.
    const other = await service.create({ url: 'http://mirror.local/maas/' })
    const theirs = await addJammy(service, other.id)
    await expect(
      service.applySelectionChanges(changes({ boot_source_id: 1, delete: [theirs.id] }))
    ).rejects.toThrow(`boot source selection ${theirs.id} does not exist in boot source 1`)
    expect(await store.selections(other.id)).toHaveLength(1)
  })
})

describe('applySelectionChanges as a request', () => {
  it('is validated, says sourcesChanged once when saved, and nothing when refused', async () => {
    const app = await createMainServices({ dataDir: dir, version: '0', host: 'cli' })
    try {
      let changed = 0
      app.events.on('sourcesChanged', () => changed++)
      const applied = await app.request('applySelectionChanges', {
        boot_source_id: 1,
        create: [
          { os: 'ubuntu', release: 'jammy', arches: ['amd64'] },
          { os: 'ubuntu', release: 'focal', arches: ['amd64'] }
        ]
      })
      expect(applied).toMatchObject({ created: 2, updated: 0, deleted: 0 })
      expect(changed).toBe(1)

      const before = await readFile(store.file, 'utf8')
      await expect(
        app.request('applySelectionChanges', {
          boot_source_id: 1,
          delete: [1],
          create: [{ os: 'ubuntu', release: 'focal', arches: ['arm64'] }]
        })
      ).rejects.toMatchObject({ code: 'conflict' })
      // Hostile input is refused before anything runs: a part may not name another source.
      await expect(
        app.request('applySelectionChanges', {
          boot_source_id: 1,
          update: [{ id: 1, boot_source_id: 2, arches: ['amd64'] }]
        } as never)
      ).rejects.toMatchObject({ code: 'invalid_argument' })
      expect(await readFile(store.file, 'utf8')).toBe(before)
      expect(changed).toBe(1)
    } finally {
      await app.dispose()
    }
  })
})

describe('Change source: Connect saves nothing, Update selection saves both', () => {
  const offers = { verified: true, signatures: [], entries: [] }
  /** A service whose Connect verifies and offers nothing to pick. */
  const connecting = () => make(async () => ({ keep: async () => {}, offers }))

  it('Connect verifies and holds; the source and selections stay until saveConnected', async () => {
    const keep = vi.fn(async () => {})
    const service = make(async () => ({ keep, offers }))
    const before = await service.get(1)
    const conn = await service.connectOnly({ id: 1, url: 'http://mirror.example/maas' })
    expect(conn).toMatchObject({ source_id: 1, url: 'http://mirror.example/maas/', changed: true })
    expect(await service.get(1)).toEqual(before)
    expect(keep).not.toHaveBeenCalled()

    const saved = await service.saveConnected({
      connection_id: conn.connection_id,
      create: [{ os: 'ubuntu', release: 'jammy', arches: ['amd64'] }],
      update: [],
      delete: []
    })
    expect(saved.source).toMatchObject({ id: 1, url: 'http://mirror.example/maas/' })
    expect(saved.applied.created).toBe(1)
    expect((await service.get(1)).url).toBe('http://mirror.example/maas/')
    expect(keep).toHaveBeenCalledWith(1)
    // a connection is saved once
    await expect(
      service.saveConnected({ connection_id: conn.connection_id, create: [], update: [], delete: [] })
    ).rejects.toThrow(/press Connect again/)
  })

  it('a refused selection change saves neither the source nor the selections', async () => {
    const service = connecting()
    const before = await service.get(1)
    const selectionsBefore = await service.listSelections(1)
    const conn = await service.connectOnly({ id: 1, url: 'http://mirror.example/maas' })
    await expect(
      service.saveConnected({ connection_id: conn.connection_id, create: [], update: [], delete: [9999] })
    ).rejects.toThrow(/9999/)
    expect(await service.get(1)).toEqual(before)
    expect(await service.listSelections(1)).toEqual(selectionsBefore)
  })

  it('with no source, Connect creates nothing and saveConnected creates it with its selections', async () => {
    const service = connecting()
    await service.delete(1)
    const conn = await service.connectOnly({ url: 'http://mirror.example/maas' })
    expect(conn.source_id).toBeNull()
    expect(await service.list()).toEqual([])
    const saved = await service.saveConnected({
      connection_id: conn.connection_id,
      create: [{ os: 'ubuntu', release: 'noble', arches: ['amd64'] }],
      update: [],
      delete: []
    })
    expect(await service.list()).toEqual([saved.source])
    expect(await service.listSelections(saved.source.id)).toHaveLength(1)
  })

  it('a failed Connect holds nothing and changes nothing', async () => {
    const service = make(async () => {
      throw new AppError('signature', 'signature verification failed')
    })
    const before = await service.list()
    await expect(service.connectOnly({ id: 1, url: 'http://bad.example/' })).rejects.toThrow(/signature/)
    expect(await service.list()).toEqual(before)
  })
})
