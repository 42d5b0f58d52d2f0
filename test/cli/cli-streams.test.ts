/**
 * The CLI against a generated, signed MAAS-shaped stream on loopback: `boot-sources create`
 * connects first, `boot-source available` lists every image, `verify` names the signer, and a
 * tampered products file fails both with a message about the signature.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateStream, tamperSignedFile, type GeneratedStream } from '../support/stream-generator'
import { startTestServer, type TestServer } from '../support/test-server'
import type { CatalogueEntry, VerifyReport } from '@shared/types'
import { cli } from './cli-helpers'

let root: string
let stream: GeneratedStream
let server: TestServer
let badServer: TestServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'maas-images-cli-streams-'))
  stream = await generateStream({ dir: join(root, 'good') })
  cpSync(join(root, 'good'), join(root, 'bad'), { recursive: true })
  await tamperSignedFile(join(root, 'bad', 'streams/v1', `${stream.contentIds.ubuntu}.sjson`))
  server = await startTestServer({ root: join(root, 'good') })
  badServer = await startTestServer({ root: join(root, 'bad') })
})
afterAll(async () => {
  await server.close()
  await badServer.close()
  rmSync(root, { recursive: true, force: true })
})

describe('CLI with a signed stream on loopback', () => {
  it('boot-sources create connects, then boot-source available lists every image', async () => {
    const data = join(root, 'data-available')
    const created = await cli(
      data,
      'boot-sources',
      'create',
      `url=${server.url}`,
      `keyring_filename=${stream.keyringPath}`
    )
    expect(created.code, created.stderr).toBe(0)
    const source = created.json() as { id: number; url: string }
    expect(source.url).toBe(server.url)

    // Connect's verified documents went into the new source's cache: listing asks again (refresh) and every
    // document answers 304, so no document's bytes are sent a second time.
    server.resetStats()
    const r = await cli(data, 'boot-source', 'available', String(source.id))
    expect(r.code, r.stderr).toBe(0)
    expect(server.stats.requests).toBeGreaterThan(0)
    expect(server.stats.bytesServed).toBe(0)
    const entries = r.json() as CatalogueEntry[]
    const real = stream.products.filter((p) => !p.synthetic)
    expect(entries).toHaveLength(real.length)
    expect(new Set(entries.map((e) => e.product_name))).toEqual(new Set(real.map((p) => p.product_name)))
    const groups = new Set(entries.map((e) => e.group))
    expect(groups).toEqual(new Set(['ubuntu', 'bootloader', 'other']))
    for (const e of entries.filter((x) => x.group === 'bootloader')) {
      expect(e.bootloader_type).toMatch(/^(uefi|pxe|open-firmware)$/)
      expect(e.release).toBe('')
    }
    expect(entries.some((e) => e.os === 'centos')).toBe(true)
  })

  it('verify reports the test key fingerprint for every document', async () => {
    const r = await cli(
      join(root, 'data-verify'),
      'verify',
      server.url,
      `keyring_filename=${stream.keyringPath}`
    )
    expect(r.code, r.stderr).toBe(0)
    const report = r.json() as VerifyReport
    expect(report.ok).toBe(true)
    expect(report.files.length).toBe(4)
    for (const f of report.files) expect(f).toMatchObject({ ok: true, fingerprint: stream.key.fingerprint })
  })

  it('a tampered products file fails create, available and verify, each naming the signature', async () => {
    const data = join(root, 'data-bad')
    const create = await cli(
      data,
      'boot-sources',
      'create',
      `url=${badServer.url}`,
      `keyring_filename=${stream.keyringPath}`
    )
    // MAAS's CLI exits 2 when the region refuses a request.
    expect(create.code).toBe(2)
    expect(create.stderr).toMatch(/signature/)
    expect((await cli(data, 'boot-sources', 'read')).json()).toHaveLength(1)

    // A source that verified once and was tampered with afterwards: available must refuse it too,
    // although its earlier verified metadata is cached.
    cpSync(join(root, 'good'), join(root, 'later-bad'), { recursive: true })
    const laterBad = await startTestServer({ root: join(root, 'later-bad') })
    try {
      const ok = await cli(
        data,
        'boot-sources',
        'create',
        `url=${laterBad.url}`,
        `keyring_filename=${stream.keyringPath}`
      )
      expect(ok.code, ok.stderr).toBe(0)
      await tamperSignedFile(join(root, 'later-bad', 'streams/v1', `${stream.contentIds.ubuntu}.sjson`))
      const available = await cli(data, 'boot-source', 'available', String((ok.json() as { id: number }).id))
      expect(available.code).toBe(2)
      expect(available.stderr).toMatch(/signature/)
      expect(available.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    } finally {
      await laterBad.close()
    }

    const verify = await cli(data, 'verify', badServer.url, `keyring_filename=${stream.keyringPath}`)
    expect(verify.code).toBe(1)
    const report = verify.json() as VerifyReport
    expect(report.ok).toBe(false)
    expect(JSON.stringify(report.problems)).toMatch(/signature/)
  })
})
