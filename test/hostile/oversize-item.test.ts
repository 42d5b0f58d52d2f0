/**
 * A signed stream claiming an absurd item size must fail only the resource it concerns, naming it,
 * while every other resource of every source imports. (A disk that holds one source's images but not
 * another's is free-space.system.test.ts: it needs a tmpfs mount.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlobCache } from '../../src/main/library/blob-cache'
import { assertCacheConsistent } from '../import/engine-fixture'
import { productsBase, rewriteDocument } from '../support/stream-generator'
import { twoSources, type Mirror } from './two-source-engine'

const fx = twoSources()
afterAll(() => fx.close())

describe('an item claiming 9007199254740991 bytes', () => {
  let noble: Mirror
  let jammy: Mirror
  beforeAll(async () => {
    noble = await fx.mirror('noble', 0.001)
    jammy = await fx.mirror('jammy', 0.001)
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
    const dd = await fx.dataDir('hostile-size-data-')
    const e = fx.engine(dd, noble, jammy)
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
