import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ImportProgress } from '@shared/types'
import { BlobCache } from '../../src/main/library/blob-cache'
import { DEFAULT_STALL_TIMEOUT_MS } from '../../src/main/net/limits'
import {
  assertCacheConsistent,
  engineFor,
  latestItems,
  payloadBytes,
  selection,
  useStreamEnv,
  nobleOrBoot
} from './engine-fixture'

const fixture = useStreamEnv('imp-data-')
const dataDir = fixture.dataDir

describe('import engine', () => {
  it('imports the latest version of the selection plus bootloaders, verified, and a re-sync fetches only metadata', async () => {
    const dd = await dataDir()
    let sel = [selection('noble')]
    const engine = engineFor(fixture.env, dd, () => sel)
    const events: Array<{ t: number; p: ImportProgress }> = []
    engine.on('progress', (p: ImportProgress) => events.push({ t: Date.now(), p }))
    const result = await engine.runImport()
    expect(result.failures).toEqual([])
    expect(result.ok).toBe(true)

    const resources = await engine.listResources()
    expect(resources.map((r) => `${r.name} ${r.architecture}`).sort()).toEqual(
      [
        'grub-efi-signed/uefi amd64/generic',
        'grub-efi/uefi arm64/generic',
        'pxelinux/pxe amd64/generic',
        'ubuntu/noble amd64/ga-24.04',
        'ubuntu/noble amd64/hwe-24.04',
        'ubuntu/noble arm64/ga-24.04',
        'ubuntu/noble arm64/hwe-24.04'
      ].sort()
    )
    expect(resources.every((r) => r.status === 'Synced' && r.type === 'Synced')).toBe(true)
    // Exactly the unique latest payloads were fetched, each once, and every one is in the cache, verified.
    const wanted = latestItems(fixture.env.gen, nobleOrBoot)
    expect(payloadBytes(fixture.env.server)).toBe(wanted.reduce((n, i) => n + i.size, 0))
    expect(await assertCacheConsistent(dd)).toBe(wanted.length)
    const r1 = await engine.getResource(resources.find((r) => r.architecture === 'amd64/ga-24.04')!.id)
    const set = Object.values(r1.sets!)
    expect(set).toHaveLength(1)
    expect(set[0]).toMatchObject({ version: '20250805', complete: true, progress: 100 })
    // The file types MAAS stores: the manifest is downloaded and verified (a staged mirror holds it) but,
    // as in MAAS, not one of the set's files.
    expect(Object.keys(set[0].files).sort()).toEqual(['boot-initrd', 'boot-kernel', 'squashfs'])

    // Progress: never more than 10 events a second, and the last one says done.
    for (let i = 2; i < events.length; i++) expect(events[i].t - events[i - 2].t).toBeGreaterThanOrEqual(95)
    const last = events[events.length - 1].p
    expect(last.bytes_done).toBe(last.bytes_total)
    expect(last.importing).toBe(false)
    expect((await engine.status()).last_result?.ok).toBe(true)

    // Nothing new: metadata only, answered by 304s.
    fixture.env.server.resetStats()
    const again = await engine.runImport()
    expect(again.ok).toBe(true)
    expect(again.notes).toContain('nothing new: only the metadata was fetched')
    expect(fixture.env.server.stats.bytesServed).toBe(0)
    expect([...fixture.env.server.stats.byPath.keys()].every((p) => p.startsWith('/streams/'))).toBe(true)

    // The raw signed metadata the import used is kept for staging, byte for byte.
    const manifest = JSON.parse(await readFile(join(dd, 'imported-metadata', '1', 'manifest.json'), 'utf8'))
    const index = manifest.documents.find((d: { path: string }) => d.path === 'streams/v1/index.sjson')
    expect(await readFile(join(dd, 'imported-metadata', '1', index.sha256))).toEqual(
      await readFile(join(fixture.env.dir, 'streams/v1/index.sjson'))
    )

    // Unselecting arm64 removes those resources and their files (kernels of noble arm64 are unshared).
    sel = [selection('noble', ['amd64'])]
    const before = await assertCacheConsistent(dd)
    await engine.runImport()
    const after = await engine.listResources()
    expect(
      after
        .filter((r) => r.name === 'ubuntu/noble')
        .map((r) => r.architecture)
        .sort()
    ).toEqual(['amd64/ga-24.04', 'amd64/hwe-24.04'])
    const left = await assertCacheConsistent(dd)
    expect(left).toBeLessThan(before)
    // ids are stable across syncs
    expect(after.find((r) => r.architecture === 'amd64/ga-24.04')!.id).toBe(r1.id)
    await engine.dispose()
  })

  it('completes with every hash right when every third payload connection is cut half-way', async () => {
    fixture.env.server.options.cutEveryNth = 3
    const dd = await dataDir()
    const engine = engineFor(fixture.env, dd, () => [selection('noble')])
    const result = await engine.runImport()
    expect(result.failures).toEqual([])
    expect(await assertCacheConsistent(dd)).toBe(latestItems(fixture.env.gen, nobleOrBoot).length)
    await engine.dispose()
  })

  it('fails only the resources of a corrupt squashfs, with "checksum", keeping no corrupt byte', async () => {
    const squash = latestItems(fixture.env.gen, (p) => p.includes(':24.04:amd64:')).find((i) =>
      i.path.endsWith('/squashfs')
    )!
    fixture.env.server.options.faults = { ['/' + squash.path]: { corruptAt: 12345 } }
    const dd = await dataDir()
    const engine = engineFor(fixture.env, dd, () => [selection('noble')])
    const result = await engine.runImport()
    expect(result.ok).toBe(false)
    // Both amd64 kernels share that squashfs: both fail, each naming the checksum problem.
    expect(result.failures.map((f) => f.resource).sort()).toEqual([
      'ubuntu/noble amd64/ga-24.04',
      'ubuntu/noble amd64/hwe-24.04'
    ])
    for (const f of result.failures) {
      expect(f.code).toBe('checksum')
      expect(f.message).toMatch(
        new RegExp(`^checksum mismatch: \\S+ squashfs expected ${squash.sha256} got [0-9a-f]{64}$`)
      )
    }
    const cache = new BlobCache(dd)
    expect(await cache.has(squash.sha256)).toBe(false)
    expect(await cache.listPartials()).toEqual([])
    await assertCacheConsistent(dd)
    const statuses = Object.fromEntries(
      (await engine.listResources()).map((r) => [`${r.name} ${r.architecture}`, r.status])
    )
    expect(statuses['ubuntu/noble amd64/ga-24.04']).toMatch(/^Failed: checksum mismatch/)
    expect(statuses['ubuntu/noble arm64/ga-24.04']).toBe('Synced')
    expect(statuses['grub-efi-signed/uefi amd64/generic']).toBe('Synced')
    await engine.dispose()
  })

  it('reports a 404 on one item with the URL, and the other resources complete', async () => {
    const kernel = latestItems(fixture.env.gen, (p) => p.includes(':24.04:arm64:hwe-24.04')).find((i) =>
      i.path.endsWith('boot-kernel')
    )!
    fixture.env.server.options.faults = { ['/' + kernel.path]: { status: 404 } }
    const dd = await dataDir()
    const engine = engineFor(fixture.env, dd, () => [selection('noble')])
    const result = await engine.runImport()
    expect(result.failures).toEqual([
      {
        resource: 'ubuntu/noble arm64/hwe-24.04',
        file: 'boot-kernel',
        code: 'http_status',
        message: `HTTP 404 Not Found fetching ${fixture.env.server.url}${kernel.path}`
      }
    ])
    expect(fixture.env.server.stats.byPath.get('/' + kernel.path)!.requests).toBe(1)
    const ok = (await engine.listResources()).filter((r) => r.status === 'Synced')
    expect(ok).toHaveLength(6)
    await engine.dispose()
  })

  it('refuses a second import on the same data directory with a clear message', async () => {
    fixture.env.server.options.rateBytesPerSec = 2 * 1024 * 1024
    const dd = await dataDir()
    const a = engineFor(fixture.env, dd, () => [selection('noble')])
    const b = engineFor(fixture.env, dd, () => [selection('noble')])
    const first = a.runImport()
    await new Promise((r) => setTimeout(r, 200))
    await expect(b.runImport()).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/already running \(pid \d+.*stop-import/)
    })
    expect(await b.isImporting()).toBe(true)
    await expect(b.deleteResource(1)).rejects.toMatchObject({ code: 'busy' })
    expect(await b.requestStop()).toBe(true)
    const res = await first
    expect(res.stopped).toBe(true)
    expect(await b.isImporting()).toBe(false)
    expect(await b.requestStop()).toBe(false)
    await a.dispose()
  })

  it('stops on a stop request from another engine (process), not waiting for the hung mirror; a later import resumes', async () => {
    fixture.env.server.options.rateBytesPerSec = 1024 * 1024
    const dd = await dataDir()
    const runner = engineFor(fixture.env, dd, () => [selection('noble')])
    const other = engineFor(fixture.env, dd, () => [selection('noble')])
    let asked = 0
    let stoppedAt = 0
    runner.on('progress', (p: ImportProgress) => {
      if (!asked && p.bytes_done > 3 * 1024 * 1024) {
        // From here the mirror sends nothing: a stop that waited for the requests in flight would wait for the
        // stall timeout and retry, and not end in the test's time.
        fixture.env.server.options.hang = true
        asked = Date.now()
        void other.requestStop()
      }
    })
    runner.on('finished', () => (stoppedAt = Date.now()))
    const result = await runner.runImport()
    expect(asked).toBeGreaterThan(0)
    expect(result.stopped).toBe(true)
    expect(stoppedAt - asked).toBeLessThan(DEFAULT_STALL_TIMEOUT_MS / 2)
    expect(result.notes.join('\n')).toContain('the next import resumes them')
    const partials = await new BlobCache(dd).listPartials()
    expect(partials.length).toBeGreaterThan(0)
    const statuses = (await runner.listResources()).map((r) => r.status)
    expect(statuses.some((s) => s === 'Queued for download')).toBe(true)

    const total = latestItems(fixture.env.gen, nobleOrBoot).reduce((n, i) => n + i.size, 0)
    const firstRun = payloadBytes(fixture.env.server)
    fixture.env.reset()
    const again = await runner.runImport()
    expect(again.failures).toEqual([])
    // Resumed: the second run fetched only what was missing (little more than the total minus the first run).
    expect(payloadBytes(fixture.env.server)).toBeLessThan(total - firstRun + 2 * 1024 * 1024)
    expect(payloadBytes(fixture.env.server)).toBeLessThan(total)
    await assertCacheConsistent(dd)
    await runner.dispose()
  })

  it('deletes a resource and only the files no other resource shares', async () => {
    const dd = await dataDir()
    const engine = engineFor(fixture.env, dd, () => [selection('noble', ['amd64'])])
    await engine.runImport()
    const list = await engine.listResources()
    const ga = list.find((r) => r.architecture === 'amd64/ga-24.04')!
    const hwe = list.find((r) => r.architecture === 'amd64/hwe-24.04')!
    const gaFiles = Object.values((await engine.getResource(ga.id)).sets!)[0].files
    const cache = new BlobCache(dd)
    await engine.deleteResource(ga.id)
    await expect(engine.getResource(ga.id)).rejects.toMatchObject({ code: 'not_found' })
    // The shared squashfs stays for hwe; the ga kernel and initrd go.
    expect(await cache.has(gaFiles['squashfs'].sha256)).toBe(true)
    expect(await cache.has(gaFiles['boot-kernel'].sha256)).toBe(false)
    expect((await engine.getResource(hwe.id)).status).toBe('Synced')
    await expect(engine.deleteResource(ga.id)).rejects.toMatchObject({ code: 'not_found' })
    // As in MAAS, a sync brings it back while it is still selected, with a new id.
    await engine.runImport()
    const back = (await engine.listResources()).find((r) => r.architecture === 'amd64/ga-24.04')!
    expect(back.status).toBe('Synced')
    expect(back.id).toBeGreaterThan(Math.max(...list.map((r) => r.id)))
    await engine.dispose()
  })

  it('keeps a resource that left the stream but is still selected, with a note', async () => {
    const dd = await dataDir()
    const engine = engineFor(fixture.env, dd, () => [selection('noble', ['amd64'])])
    await engine.runImport()
    // Pretend an older import brought a product the stream no longer has.
    const path = join(dd, 'resources.json')
    const doc = JSON.parse(await readFile(path, 'utf8'))
    const ghost = structuredClone(doc.resources[0])
    Object.assign(ghost, {
      id: doc.next_id++,
      architecture: 'amd64/ga-99.04',
      subarch: 'ga-99.04',
      stream_subarch: 'ga-99.04'
    })
    ghost.product_name = 'com.ubuntu.maas.stable:v3:boot:24.04:amd64:ga-99.04'
    doc.resources.push(ghost)
    const stale = structuredClone(doc.resources[0])
    Object.assign(stale, { id: doc.next_id++, name: 'ubuntu/focal', release: 'focal' })
    doc.resources.push(stale)
    await writeFile(path, JSON.stringify(doc))
    const result = await engine.runImport()
    const list = await engine.listResources()
    const kept = list.find((r) => r.architecture === 'amd64/ga-99.04')!
    expect(kept.note).toMatch(/no longer in .*kept because a selection still matches it/)
    expect(result.notes.some((n) => n.includes('ga-99.04'))).toBe(true)
    // focal is not selected at all: it goes.
    expect(list.find((r) => r.name === 'ubuntu/focal')).toBeUndefined()
    expect(await readdir(join(dd, 'cache', 'partial'))).toEqual([])
    await engine.dispose()
  })
})

describe('engine shutdown', () => {
  it('dispose() stops a running import and waits until its files are closed', async () => {
    fixture.env.reset()
    fixture.env.server.options.rateBytesPerSec = 1024 * 1024
    const dd = await dataDir()
    const engine = engineFor(fixture.env, dd, () => [selection('noble')])
    let started = false
    engine.on('progress', (p: ImportProgress) => (started ||= p.bytes_done > 1024 * 1024))
    const running = engine.runImport()
    while (!started) await new Promise((r) => setTimeout(r, 20))
    // A dispose that waited for the requests in flight would wait for the hung mirror's stall timeout.
    fixture.env.server.options.hang = true
    const t0 = Date.now()
    await engine.dispose()
    expect(Date.now() - t0).toBeLessThan(DEFAULT_STALL_TIMEOUT_MS / 2)
    const result = await running
    expect(result.stopped).toBe(true)
    expect(await engine.isImporting()).toBe(false)
    // Everything was closed: partials and their journals are on disk for the next import.
    const names = await readdir(join(dd, 'cache', 'partial'))
    expect(names.some((n) => n.endsWith('.part.progress'))).toBe(true)
  })
})
