/**
 * A signed stream claiming an absurd item size, and a disk that holds one source's images but not another's:
 * each must fail only what it concerns, naming it, while every other source imports.
 */
import { spawnSync } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BootSource } from '@shared/types'
import { ImportEngine } from '../../src/main/import'
import { BlobCache } from '../../src/main/library/blob-cache'
import { assertCacheConsistent, selection, settings } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'
import {
  generateStream,
  productsBase,
  rewriteDocument,
  type GeneratedStream
} from '../support/stream-generator'
import { startTestServer, type TestServer } from '../support/test-server'

interface Mirror {
  gen: GeneratedStream
  server: TestServer
}

const dirs: string[] = []
const mounts: string[] = []
const mirrors: Mirror[] = []

async function mirror(release: string, scale: number): Promise<Mirror> {
  const dir = await tempDir('hostile-size-')
  dirs.push(dir)
  const gen = await generateStream({
    dir: join(dir, 'mirror'),
    scale,
    releases: [release],
    arches: ['amd64'],
    versionsPerProduct: 1,
    centos: false,
    bootloaders: false
  })
  const m = { gen, server: await startTestServer({ root: gen.dir }) }
  mirrors.push(m)
  return m
}

afterAll(async () => {
  for (const m of mirrors) await m.server.close()
  for (const d of mounts) spawnSync('umount', ['-l', d])
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

function source(id: number, m: Mirror): BootSource {
  return {
    id,
    url: m.server.url,
    keyring_filename: m.gen.keyringPath,
    keyring_data: '',
    created: '',
    updated: ''
  }
}

function engine(dataDir: string, a: Mirror, b: Mirror, freeSpaceMarginBytes?: number): ImportEngine {
  return new ImportEngine({
    dataDir,
    listSources: async () => [
      { source: source(1, a), selections: [selection('noble')] },
      { source: source(2, b), selections: [{ ...selection('jammy'), boot_source_id: 2 }] }
    ],
    getSettings: async () => settings(),
    freeSpaceMarginBytes,
    tuning: { minSplitBytes: 256 * 1024, requestBytes: 1024 * 1024, backoffMs: 20 }
  })
}

const payloadBytes = (s: TestServer): number =>
  [...s.stats.byPath].filter(([p]) => !p.startsWith('/streams/')).reduce((n, [, v]) => n + v.bytes, 0)

describe('an item claiming 9007199254740991 bytes', () => {
  let noble: Mirror
  let jammy: Mirror
  beforeAll(async () => {
    noble = await mirror('noble', 0.001)
    jammy = await mirror('jammy', 0.001)
    const kernel = noble.gen.items.find((i) => i.item === 'boot-kernel' && i.product.endsWith(':ga-24.04'))!
    await rewriteDocument(noble.gen, productsBase(noble.gen.contentIds.ubuntu), (doc) => {
      const products = doc.products as Record<
        string,
        { versions: Record<string, { items: Record<string, { size: number }> }> }
      >
      products[kernel.product].versions[kernel.version].items['boot-kernel'].size = Number.MAX_SAFE_INTEGER
    })
  })

  it('fails its own resource, naming the item and the 64 GiB limit; every other resource of every source imports', async () => {
    const dd = await tempDir('hostile-size-data-')
    dirs.push(dd)
    const e = engine(dd, noble, jammy)
    const result = await e.runImport()
    const kernel = noble.gen.items.find((i) => i.item === 'boot-kernel' && i.product.endsWith(':ga-24.04'))!
    expect(result.failures).toEqual([
      {
        resource: 'ubuntu/noble amd64/ga-24.04',
        file: 'boot-kernel',
        code: 'stream_invalid',
        message: `${kernel.product} boot-kernel: its size of 9007199254740991 bytes is over the 64 GiB limit for one item; refused`
      }
    ])
    const status = Object.fromEntries(
      (await e.listResources()).map((r) => [`${r.name} ${r.architecture}`, r.status])
    )
    expect(status).toEqual({
      'ubuntu/noble amd64/ga-24.04': `Failed: ${result.failures[0].message}`,
      'ubuntu/noble amd64/hwe-24.04': 'Synced',
      'ubuntu/jammy amd64/ga-22.04': 'Synced',
      'ubuntu/jammy amd64/hwe-22.04': 'Synced'
    })
    // The refused item was never asked for, and everything cached is verified.
    expect(noble.server.stats.byPath.has(`/${kernel.path}`)).toBe(false)
    expect(await new BlobCache(dd).has(kernel.sha256)).toBe(false)
    await assertCacheConsistent(dd)
    await e.dispose()
  })
})

describe('free space, source by source', () => {
  it('refuses only the source whose images do not fit, naming it; a source that fits imports', async () => {
    const big = await mirror('noble', 0.01)
    const small = await mirror('jammy', 0.001)
    // Unique payloads: the kernels of a release share its squashfs.
    const sum = (m: Mirror): number =>
      [...new Map(m.gen.items.map((i) => [i.sha256, i.size])).values()].reduce((n, s) => n + s, 0)
    // A 4 MiB disk with a 1 MiB margin: the noble source (several MiB) cannot fit, the jammy one (<1 MiB) can.
    expect(sum(big)).toBeGreaterThan(4 * 1024 * 1024)
    expect(sum(small)).toBeLessThan(1024 * 1024)
    const dd = await tempDir('hostile-space-')
    dirs.push(dd)
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dd], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`cannot mount a tmpfs on ${dd} (this test needs root): ${r.stderr}`)
    mounts.push(dd)

    const e = engine(dd, big, small, 1024 * 1024)
    const result = await e.runImport()
    expect(result.failures).toHaveLength(1)
    const f = result.failures[0]
    expect(f).toMatchObject({ resource: big.server.url, code: 'no_space' })
    expect(f.message).toMatch(
      new RegExp(
        `^not enough free space in ${join(dd, 'cache')} for boot source ${big.server.url}: need [\\d.]+ MB, have [\\d.]+ (MB|KB)`
      )
    )
    const [, need, have] = /\((\d+) and (\d+) bytes/.exec(f.message)!.map(Number)
    expect(need).toBe(sum(big) + 1024 * 1024)
    expect(have).toBeLessThan(need)
    expect(payloadBytes(big.server)).toBe(0)
    expect(payloadBytes(small.server)).toBe(sum(small))
    const status = Object.fromEntries(
      (await e.listResources()).map((x) => [`${x.name} ${x.architecture}`, x.status])
    )
    expect(status).toEqual({
      'ubuntu/noble amd64/ga-24.04': `Failed: ${f.message}`,
      'ubuntu/noble amd64/hwe-24.04': `Failed: ${f.message}`,
      'ubuntu/jammy amd64/ga-22.04': 'Synced',
      'ubuntu/jammy amd64/hwe-22.04': 'Synced'
    })
    await assertCacheConsistent(dd)
    await e.dispose()
  })
})
