import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyMirror } from '../../src/main/streams/verify-mirror'
import { streamFixture, type StreamFixture } from '../support/stream-fixture'
import { productsBase, tamperByte, tamperSignedFile } from '../support/stream-generator'

let fx: StreamFixture | undefined
afterEach(async () => {
  await fx?.cleanup()
  fx = undefined
})

describe('verifyMirror', () => {
  it('reports every file with signer key id and fingerprint on a good mirror', async () => {
    fx = await streamFixture()
    const r = await verifyMirror(fx.stream.dir, fx.keyring)
    expect(r.ok).toBe(true)
    expect(r.problems).toEqual([])
    expect(r.files).toHaveLength(4)
    for (const f of r.files) {
      expect(f).toMatchObject({
        ok: true,
        signed: true,
        key_id: fx.stream.key.keyId,
        fingerprint: fx.stream.key.fingerprint
      })
    }
  })

  it('keeps going after a bad file and names it', async () => {
    fx = await streamFixture()
    const bad = `${productsBase(fx.stream.contentIds.bootloader)}.sjson`
    await tamperSignedFile(join(fx.stream.dir, bad))
    const r = await verifyMirror(fx.server.url, fx.keyring, { proxy: fx.direct })
    expect(r.ok).toBe(false)
    expect(r.files).toHaveLength(4)
    const failed = r.files.filter((f) => !f.ok)
    expect(failed.map((f) => f.file)).toEqual([`${fx.server.url}${bad}`])
    expect(failed[0].problem).toMatch(/^signature verification failed for /)
    expect(r.problems).toHaveLength(1)
  })

  it('verifies a single .sjson file', async () => {
    fx = await streamFixture()
    const file = join(fx.stream.dir, `${productsBase(fx.stream.contentIds.centos)}.sjson`)
    const r = await verifyMirror(file, fx.keyring)
    expect(r.ok).toBe(true)
    expect(r.files).toEqual([
      { file, signed: true, ok: true, key_id: fx.stream.key.keyId, fingerprint: fx.stream.key.fingerprint }
    ])
  })

  it('deep: finds corrupt and short items, lists missing ones', async () => {
    fx = await streamFixture()
    const [corrupt, short, missing] = [
      fx.stream.items.find((i) => i.item === 'squashfs')!,
      fx.stream.items.find((i) => i.item === 'boot-kernel')!,
      fx.stream.items.find((i) => i.item === 'root-tgz')!
    ]
    await tamperByte(join(fx.stream.dir, corrupt.path), 100)
    await writeFile(join(fx.stream.dir, short.path), 'short')
    await rm(join(fx.stream.dir, missing.path))
    const r = await verifyMirror(fx.stream.dir, fx.keyring, { deep: true })
    expect(r.ok).toBe(false)
    const byPath = new Map(r.items!.map((i) => [i.path, i]))
    expect(new Set(r.items!.map((i) => i.path))).toEqual(new Set(fx.stream.items.map((i) => i.path)))
    expect(byPath.get(corrupt.path)!.problem).toMatch(
      /^sha256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}$/
    )
    expect(byPath.get(short.path)!.problem).toBe(`size mismatch: expected ${short.size} bytes, got 5`)
    expect(byPath.get(missing.path)).toEqual({
      path: missing.path,
      ok: false,
      missing: true,
      problem: 'missing'
    })
    expect(r).toMatchObject({ missing_by_design: 1, corrupt: 2 })
    expect(r.problems.sort()).toEqual(
      [
        `${corrupt.path}: ${byPath.get(corrupt.path)!.problem}`,
        `${short.path}: ${byPath.get(short.path)!.problem}`
      ].sort()
    )
  })

  it('deep over http hashes served items', async () => {
    fx = await streamFixture()
    const target = fx.stream.items.find((i) => i.item === 'boot-initrd')!
    fx.server.options.faults = { [`/${target.path}`]: { corruptAt: 3 } }
    const r = await verifyMirror(fx.server.url, fx.keyring, { deep: true, proxy: fx.direct })
    expect(r.ok).toBe(false)
    const bad = r.items!.filter((i) => !i.ok)
    expect(bad.map((i) => i.path)).toEqual([target.path])
    expect(bad[0].problem).toMatch(/^sha256 mismatch/)
  })

  it('reports a keyring problem instead of throwing', async () => {
    fx = await streamFixture()
    const r = await verifyMirror(fx.stream.dir, { keyring_filename: '/nonexistent/ring.gpg' })
    expect(r.ok).toBe(false)
    expect(r.problems).toEqual(['keyring file not found: /nonexistent/ring.gpg'])
  })
})
