/**
 * A disk that holds one source's images but not another's: the import refuses only the source that
 * does not fit, naming it, and the other imports. The disk is a 4 MiB tmpfs, so root.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { assertCacheConsistent } from '../import/engine-fixture'
import { mountTmpfs, type FuseMount } from '../support/fuse-mounts'
import { payloadBytes, twoSources, type Mirror } from './two-source-engine'

const fx = twoSources()
const mounts: FuseMount[] = []
afterAll(async () => {
  for (const m of mounts) await m.unmount()
  await fx.close()
})

describe('free space, source by source', () => {
  it('refuses only the source whose images do not fit, naming it; a source that fits imports', async () => {
    const big = await fx.mirror('noble', 0.01)
    const small = await fx.mirror('jammy', 0.001)
    // Unique payloads: the kernels of a release share its squashfs.
    const sum = (m: Mirror): number =>
      [...new Map(m.gen.items.map((i) => [i.sha256, i.size])).values()].reduce((n, s) => n + s, 0)
    // A 4 MiB disk with a 1 MiB margin: the noble source (several MiB) cannot fit, the jammy one (<1 MiB) can.
    expect(sum(big)).toBeGreaterThan(4 * 1024 * 1024)
    expect(sum(small)).toBeLessThan(1024 * 1024)
    const dd = await fx.dataDir('hostile-space-')
    mounts.push(await mountTmpfs(dd, 4 * 1024 * 1024))

    const e = fx.engine(dd, big, small, 1024 * 1024)
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
