import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCatalogue, compareSerials, latestVersion } from '../../src/main/streams/catalogue'
import { readStream } from '../../src/main/streams/read-stream'
import type { CatalogueEntry } from '@shared/types'
import { streamFixture, type StreamFixture } from '../support/stream-fixture'

let plain: StreamFixture
let condensed: StreamFixture
let entries: CatalogueEntry[]

beforeAll(async () => {
  plain = await streamFixture({ versionsPerProduct: 3 })
  condensed = await streamFixture({ versionsPerProduct: 3, condensed: true })
  entries = buildCatalogue(
    await readStream({ url: plain.server.url, keyring: plain.keyring, proxy: plain.direct })
  )
})
afterAll(async () => {
  await plain.cleanup()
  await condensed.cleanup()
})

describe('serial ordering', () => {
  it('uses plain byte order', () => {
    expect(compareSerials('20240604_01', '20240622_01')).toBeLessThan(0)
    expect(compareSerials('20231004.0', '20231004.1')).toBeLessThan(0)
    expect(compareSerials('20250805', '20250805.1')).toBeLessThan(0)
    expect(compareSerials('20250805', '20250805')).toBe(0)
    // byte order, not numeric: '9' sorts after '10...'
    expect(compareSerials('9', '10')).toBeGreaterThan(0)
    expect(latestVersion(['20240604_01', '20240622_01', '20240515_01'])).toBe('20240622_01')
    expect(latestVersion(['20231004.0', '20240117.0', '20230830.0'])).toBe('20240117.0')
    expect(latestVersion([])).toBe('')
  })
})

describe('buildCatalogue', () => {
  it('lists Ubuntu per release x arch x subarch with the latest version and its size', () => {
    const ubuntu = entries.filter((e) => e.group === 'ubuntu')
    expect(ubuntu.map((e) => `${e.release}/${e.arch}/${e.subarch}`)).toEqual([
      'jammy/amd64/ga-22.04',
      'jammy/amd64/hwe-22.04',
      'jammy/arm64/ga-22.04',
      'jammy/arm64/hwe-22.04',
      'noble/amd64/ga-24.04',
      'noble/amd64/hwe-24.04',
      'noble/arm64/ga-24.04',
      'noble/arm64/hwe-24.04'
    ])
    const e = ubuntu.find((x) => x.release === 'noble' && x.arch === 'amd64' && x.subarch === 'hwe-24.04')!
    expect(e).toMatchObject({
      os: 'ubuntu',
      release_title: '24.04 LTS',
      kflavor: 'generic',
      label: 'stable',
      support_eol: '2029-05-31',
      latest_version: '20250805',
      content_id: plain.stream.contentIds.ubuntu
    })
    expect(e.subarches.split(',')).toContain('hwe-24.04')
    const expectedSize = plain.stream.items
      .filter((i) => i.product === e.product_name && i.version === '20250805')
      .reduce((n, i) => n + i.size, 0)
    expect(e.size).toBe(expectedSize)
    expect(e.size).toBeGreaterThan(0)
  })

  it('lists bootloaders without release or subarch', () => {
    const loaders = entries.filter((e) => e.group === 'bootloader')
    expect(loaders.map((e) => [e.os, e.bootloader_type, e.arch])).toEqual([
      ['grub-efi', 'uefi', 'arm64'],
      ['grub-efi-signed', 'uefi', 'amd64'],
      ['pxelinux', 'pxe', 'amd64']
    ])
    for (const l of loaders) {
      expect(l.release).toBe('')
      expect(l.subarch).toBe('')
      expect(l.latest_version).toBe('20240117.0')
    }
  })

  it('lists CentOS under other images, with its root-tgz in the size', () => {
    const other = entries.filter((e) => e.group === 'other')
    expect(other).toHaveLength(1)
    expect(other[0]).toMatchObject({
      os: 'centos',
      release: 'centos70',
      release_title: 'CentOS 7',
      latest_version: '20240622_01'
    })
    const rootTgz = plain.stream.items.find((i) => i.item === 'root-tgz' && i.version === '20240622_01')!
    expect(rootTgz.ftype).toBe('root-tgz')
    expect(other[0].size).toBeGreaterThan(rootTgz.size)
  })

  it('gives the same catalogue for the condensed form of the stream', async () => {
    const c = await readStream({
      url: condensed.server.url,
      keyring: condensed.keyring,
      proxy: condensed.direct
    })
    // the condensed file really is condensed: product fields were hoisted to the top level
    const raw = c.documents.find((d) => d.path.includes('v3:download'))!.raw.toString()
    expect(raw).toMatch(/^ "os": "ubuntu",$/m)
    expect(buildCatalogue(c)).toEqual(entries)
    const items = (s: typeof c): unknown =>
      s.products.map((p) => Object.values(p.versions).map((v) => v.items))
    expect(items(c)).toEqual(
      items(await readStream({ url: plain.server.url, keyring: plain.keyring, proxy: plain.direct }))
    )
  })
})
