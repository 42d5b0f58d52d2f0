/**
 * A stick that stores other bytes than it is given, while the page cache keeps the bytes written
 * (test/support/lying-fs.py, FUSE with kernel_cache): the read-back after staging and `verify --deep` must
 * read the medium, so the stick is found bad at the desk, not at the air-gapped site after the trip.
 * End to end through the CLI on a generated signed stream. Needs root, /dev/fuse and python3-fusepy: their
 * absence fails, loudly.
 */
import { cp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../cli/cli-helpers'
import { streamEnv, type StreamEnv } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'
import { mountLying, requireLyingFsTools } from '../support/fuse-mounts'
import { importAll, useSource } from './imported-data-dir'

let env: StreamEnv
let tmp: string
let dataDir: string
let stick: Awaited<ReturnType<typeof mountLying>> | undefined

beforeAll(async () => {
  requireLyingFsTools()
  env = await streamEnv(0.002, ['noble'])
  tmp = await tempDir('lying-stick-')
  dataDir = join(tmp, 'data')
  await useSource(env, dataDir, env.server.url)
  await importAll(dataDir)
  // The signed documents are stored truthfully on this stick, so the item checks run; the second stick below lies
  // about them too.
  stick = await mountLying(tmp, { spared: ['.sjson', '.json'] })
}, 120_000)

afterAll(async () => {
  await stick?.unmount().catch((e: unknown) => console.error(`unmount ${stick?.point}: ${String(e)}`))
  await env?.close().catch(() => undefined)
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

const verifyDeep = (location: string) =>
  cli(dataDir, 'verify', location, `keyring_filename=${env.gen.keyringPath}`, '--deep')

describe('a stick that keeps other bytes than it is given', () => {
  it('fails staging, naming the file and saying the drive may be failing', async () => {
    const r = await cli(dataDir, 'stage', stick!.point)
    expect(r.code, r.stdout).not.toBe(0)
    expect(r.stderr).toMatch(
      new RegExp(
        `${stick!.point.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+ read back wrong after writing: ` +
          'sha256 [0-9a-f]{64}, expected [0-9a-f]{64} \\(\\d+ bytes\\) \\(read from the drive\\); the drive may be failing'
      )
    )
  })

  it('is reported corrupt by verify --deep while the cache still holds the good bytes', async () => {
    // A good tree, staged onto a plain folder and copied onto the stick: the cache now holds good bytes,
    // the stick stores one flipped byte per file.
    const good = join(tmp, 'good')
    const staged = await cli(dataDir, 'stage', good)
    expect(staged.code, staged.stderr).toBe(0)
    await rm(stick!.point + '/streams', { recursive: true, force: true })
    await cp(good, stick!.point, { recursive: true })
    const manifest = JSON.parse(await readFile(join(good, 'maas-images-stage.json'), 'utf8')) as {
      items: Array<{ path: string; size: number }>
    }
    const lied = manifest.items.filter((i) => i.size >= 4096).map((i) => i.path)
    expect(lied.length).toBeGreaterThan(0)
    // The cache answers an ordinary read with the bytes given: that is what the old read-back saw.
    expect((await readFile(join(stick!.point, lied[0]))).equals(await readFile(join(good, lied[0])))).toBe(
      true
    )

    const r = await verifyDeep(stick!.point)
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as {
      ok: boolean
      corrupt: number
      read_back: string
      items: Array<{ path: string; ok: boolean; missing?: boolean; problem?: string }>
    }
    expect(report.ok).toBe(false)
    expect(report.read_back).toBe('medium')
    expect(
      report.items
        .filter((i) => !i.ok && !i.missing)
        .map((i) => i.path)
        .sort()
    ).toEqual(lied.sort())
    expect(report.corrupt).toBe(lied.length)
    expect(r.stderr).toContain('signed documents and image files read from the drive itself')
  })

  it('has its signed documents checked on what the drive holds, not on what the cache remembers', async () => {
    const good = join(tmp, 'good')
    const docsStick = await mountLying(tmp, { name: 'lying-docs' })
    try {
      await cp(good, docsStick.point, { recursive: true })
      // The products documents of a page or more are the ones this stick lies about.
      const big: string[] = []
      for (const f of await readdir(join(good, 'streams/v1')))
        if ((await stat(join(good, 'streams/v1', f))).size >= 4096) big.push(f)
      expect(big.length).toBeGreaterThan(0)
      // An ordinary read of a products document still gets the signed bytes from the cache.
      const doc = join('streams/v1', big[0])
      expect((await readFile(join(docsStick.point, doc))).equals(await readFile(join(good, doc)))).toBe(true)

      const r = await verifyDeep(docsStick.point)
      expect(r.code).toBe(1)
      const report = JSON.parse(r.stdout) as {
        ok: boolean
        read_back: string
        files: Array<{ file: string; ok: boolean; problem?: string }>
      }
      expect(report.ok).toBe(false)
      expect(report.read_back).toBe('medium')
      const bad = report.files.filter((f) => !f.ok).map((f) => f.file.split('/').pop())
      expect(bad.sort()).toEqual(big.sort())
    } finally {
      await docsStick.unmount()
    }
  })
})
