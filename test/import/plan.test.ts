import { describe, expect, it } from 'vitest'
import { buildPlan, latestSerial, MAX_ITEM_BYTES } from '../../src/main/import/plan/plan'
import { selectionMatches } from '@shared/selection-rules'
import { resourceIdentity } from '../../src/main/import/plan/resource-identity'
import { bootloader, selection, source, stream, ubuntu } from './fixtures'

describe('selection matching', () => {
  const f = { os: 'ubuntu', release: 'noble', arch: 'amd64', subarch: 'ga-24.04', label: 'stable' }
  it('matches exact values and stars', () => {
    expect(selectionMatches(selection(1, 'ubuntu', 'noble', ['amd64']), f)).toBe(true)
    expect(selectionMatches(selection(1, '*', '*'), f)).toBe(true)
    expect(selectionMatches(selection(1, 'ubuntu', 'noble', ['arm64', '*']), f)).toBe(true)
  })
  it('rejects a different os, release, arch, subarch or label', () => {
    expect(selectionMatches(selection(1, 'centos', 'noble'), f)).toBe(false)
    expect(selectionMatches(selection(1, 'ubuntu', 'jammy'), f)).toBe(false)
    expect(selectionMatches(selection(1, 'ubuntu', 'noble', ['arm64']), f)).toBe(false)
    expect(selectionMatches(selection(1, 'ubuntu', 'noble', ['amd64'], ['hwe-24.04']), f)).toBe(false)
    expect(selectionMatches(selection(1, 'ubuntu', 'noble', ['amd64'], ['*'], ['candidate']), f)).toBe(false)
    expect(selectionMatches(selection(1, 'ubuntu', 'noble', []), f)).toBe(false)
  })
})

describe('resource naming', () => {
  it('names ubuntu products {os}/{release} on {arch}/{subarch}', () => {
    const id = resourceIdentity(ubuntu('noble', 'amd64', 'ga-24.04', ['20250101']))
    expect(id).toMatchObject({ name: 'ubuntu/noble', architecture: 'amd64/ga-24.04', title: 'noble LTS' })
    expect(id.subarches).toBe('generic,ga-24.04')
  })
  it('appends a non-generic kernel flavour to the subarch', () => {
    const id = resourceIdentity(ubuntu('noble', 'amd64', 'hwe-24.04', ['1'], 'lowlatency'))
    expect(id.architecture).toBe('amd64/hwe-24.04-lowlatency')
  })
  it('names bootloaders {os}/{bootloader-type} on {arch}/generic', () => {
    const id = resourceIdentity(bootloader('grub-efi-signed', 'uefi', 'amd64', '20231004.0'))
    expect(id).toMatchObject({
      name: 'grub-efi-signed/uefi',
      architecture: 'amd64/generic',
      bootloader: true
    })
  })
})

describe('plan', () => {
  const products = [
    ubuntu('noble', 'amd64', 'ga-24.04', ['20250101', '20250805', '20250301']),
    ubuntu('noble', 'amd64', 'hwe-24.04', ['20250101', '20250805']),
    ubuntu('noble', 'arm64', 'ga-24.04', ['20250805']),
    ubuntu('jammy', 'amd64', 'ga-22.04', ['20250805']),
    bootloader('grub-efi-signed', 'uefi', 'amd64', '20231004.0'),
    bootloader('pxelinux', 'pxe', 'i386', '20231004.0')
  ]
  const s = stream('http://mirror.test/stable/', products)

  it('takes the latest serial in byte order', () => {
    expect(latestSerial(['20250101', '20250805.1', '20250805', '20240101_01'])).toBe('20250805.1')
  })

  it('selects matching products, latest version only, and always the bootloaders', () => {
    const plan = buildPlan([
      { source: source(1), selections: [selection(1, 'ubuntu', 'noble', ['amd64'])], stream: s }
    ])
    const names = plan.resources.map((r) => `${r.name} ${r.architecture} ${r.version}`).sort()
    expect(names).toEqual([
      'grub-efi-signed/uefi amd64/generic 20231004.0',
      'pxelinux/pxe i386/generic 20231004.0',
      'ubuntu/noble amd64/ga-24.04 20250805',
      'ubuntu/noble amd64/hwe-24.04 20250805'
    ])
    expect(plan.problems).toEqual([])
  })

  it('deduplicates files by sha256 (kernels of one release share a squashfs)', () => {
    const plan = buildPlan([
      { source: source(1), selections: [selection(1, 'ubuntu', 'noble', ['amd64'])], stream: s }
    ])
    const squash = plan.blobs.filter((b) => b.urls.some((u) => u.endsWith('/squashfs')))
    expect(squash).toHaveLength(1)
    expect(squash[0].refs.map((r) => r.resourceKey).sort()).toEqual([
      'ubuntu/noble|amd64/ga-24.04',
      'ubuntu/noble|amd64/hwe-24.04'
    ])
    expect(squash[0].urls).toEqual(['http://mirror.test/stable/noble/amd64/20250805/squashfs'])
    const files = plan.resources.reduce((n, r) => n + r.files.length, 0)
    expect(plan.blobs.length).toBe(files - 2) // shared squashfs and manifest
  })

  it('names set files after the stream file', () => {
    const plan = buildPlan([{ source: source(1), selections: [selection(1, 'ubuntu', 'jammy')], stream: s }])
    const jammy = plan.resources.find((r) => r.name === 'ubuntu/jammy')!
    expect(jammy.files.map((f) => f.filename).sort()).toEqual([
      'boot-initrd',
      'boot-kernel',
      'squashfs',
      'squashfs.manifest'
    ])
    expect(jammy.size).toBe(jammy.files.reduce((n, f) => n + f.size, 0))
  })

  it('lets the first source win for a resource both provide', () => {
    const s2 = stream('http://other.test/', [bootloader('grub-efi-signed', 'uefi', 'amd64', '20991231.0')])
    const plan = buildPlan([
      { source: source(1), selections: [], stream: s },
      { source: source(2), selections: [], stream: s2 }
    ])
    const grub = plan.resources.find((r) => r.name === 'grub-efi-signed/uefi')!
    expect(grub.source_id).toBe(1)
    expect(grub.version).toBe('20231004.0')
    expect(plan.resources.every((r) => r.bootloader)).toBe(true)
  })

  it('reports an item without sha256 instead of planning it', () => {
    const p = ubuntu('noble', 'amd64', 'ga-24.04', ['1'])
    delete (p.versions['1'].items.squashfs as { sha256?: string }).sha256
    const plan = buildPlan([
      { source: source(1), selections: [selection(1, '*', '*')], stream: stream('/srv/m', [p]) }
    ])
    expect(plan.problems[0].message).toContain('no sha256')
    expect(plan.resources[0].files.map((f) => f.item)).not.toContain('squashfs')
    expect(plan.resources[0].files[0].url.startsWith('file:///srv/m/noble/')).toBe(true)
  })

  it('refuses an item over the size limit: listed (so its set never completes) but no blob; the limit itself passes', () => {
    const p = ubuntu('noble', 'amd64', 'ga-24.04', ['1'])
    p.versions['1'].items.squashfs.size = MAX_ITEM_BYTES + 1
    p.versions['1'].items['boot-kernel'].size = MAX_ITEM_BYTES
    const plan = buildPlan([
      { source: source(1), selections: [selection(1, '*', '*')], stream: stream('/srv/m', [p]) }
    ])
    expect(plan.problems).toEqual([
      {
        resource: 'ubuntu/noble amd64/ga-24.04',
        file: 'squashfs',
        code: 'stream_invalid',
        message: `${p.product_name} squashfs: its size of ${MAX_ITEM_BYTES + 1} bytes is over the 64 GiB limit for one item; refused`
      }
    ])
    expect(plan.resources[0].files.find((f) => f.item === 'squashfs')?.refused).toBe(true)
    const sizes = plan.blobs.map((b) => b.size)
    expect(sizes).toContain(MAX_ITEM_BYTES)
    expect(sizes).not.toContain(MAX_ITEM_BYTES + 1)
  })
})
