import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyMirror } from '../../src/main/streams/verify-mirror'
import { streamFixture, type StreamFixture } from '../support/stream-fixture'

let fx: StreamFixture | undefined
afterAll(async () => {
  await fx?.cleanup()
  if (fx) await rm(fx.stream.keyringPath, { force: true })
})

describe('verify --deep of a staged tree', () => {
  it('separates items left out by design from items staged and then lost', async () => {
    fx = await streamFixture()
    const [kept, lost, leftOut] = fx.stream.items
      .filter((i) => i.version === fx!.stream.items[0].version)
      .slice(0, 3)
    // The manifest says kept and lost were staged; leftOut never was.
    await writeFile(
      join(fx.stream.dir, 'maas-images-stage.json'),
      JSON.stringify({
        format: 'maas-images-stage:1',
        documents: [],
        items: [kept, lost].map(({ path, sha256, size }) => ({ path, sha256, size }))
      })
    )
    await rm(join(fx.stream.dir, lost.path))
    await rm(join(fx.stream.dir, leftOut.path))
    const r = await verifyMirror(fx.stream.dir, fx.keyring, { deep: true })
    const byPath = new Map(r.items!.map((i) => [i.path, i]))
    expect(byPath.get(kept.path)).toEqual({ path: kept.path, ok: true })
    expect(byPath.get(lost.path)).toEqual({ path: lost.path, ok: false, problem: 'staged but missing' })
    expect(byPath.get(leftOut.path)).toMatchObject({ ok: false, missing: true })
    expect(r.problems).toEqual([`${lost.path}: staged but missing`])
    expect(r).toMatchObject({ ok: false, corrupt: 1, missing_by_design: 1 })
  })
})
