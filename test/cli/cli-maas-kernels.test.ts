/**
 * Flavoured and edge kernels, and bootloaders, named and shaped as MAAS names them, from a stream that holds
 * the real kernel products of a noble amd64 build (maas-images' own rows and product list, see
 * test/support/maas-images-kernels.ts). MAAS 3.7.3's rules followed:
 * - maasserver/bootresources.py:244-255: a non-generic kflavor of a ga-/hwe- kernel joins the resource's
 *   subarch, before a trailing `edge` (`amd64/hwe-24.04-lowlatency-edge`);
 * - maasserver/import_images/download_descriptions.py:173-183 and forms/__init__.py:2362-2386: a selection's
 *   subarches name the product's own `subarch` field (`hwe-24.04-edge`), which takes every flavour of it;
 * - maasserver/bootresources.py:285-295 and api/boot_resources.py (boot_resource_to_dict): `subarches` and
 *   `title` come from the product, so a bootloader has neither (api/examples/boot-resources.json, boot-res-read).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOBLE_AMD64_KERNELS, nobleAmd64Products } from '../support/maas-images-kernels'
import { generateStream, type GeneratedStream } from '../support/stream-generator'
import { startTestServer, type TestServer } from '../support/test-server'
import { cli, createSelection, replaceDefaultSource } from './cli-helpers'

let root: string
let stream: GeneratedStream
let server: TestServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'maas-images-maas-kernels-'))
  stream = await generateStream({
    dir: join(root, 'stream'),
    label: 'candidate',
    kernels: NOBLE_AMD64_KERNELS,
    centos: false,
    versionsPerProduct: 1
  })
  server = await startTestServer({ root: join(root, 'stream') })
})
afterAll(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})

const jq = (filter: string, input: string): string =>
  execFileSync('jq', ['-c', filter], { input, encoding: 'utf8' }).trim()

interface Listed {
  id: number
  name: string
  architecture: string
  subarches?: string
  title?: string
}

async function syncedNoble(data: string): Promise<Listed[]> {
  const list = await cli(data, 'admin', 'boot-resources', 'read', 'type=synced')
  expect(list.code, list.stderr).toBe(0)
  return (list.json() as Listed[]).filter((r) => r.name === 'ubuntu/noble')
}

describe("MAAS's names for flavoured kernels, from the real noble amd64 products", () => {
  it('the stream lists the products a maas-images build of noble amd64 lists', () => {
    const index = JSON.parse(readFileSync(join(stream.dir, 'streams/v1/index.json'), 'utf8')) as {
      index: Record<string, { products: string[] }>
    }
    // The real index lists them sorted, as simplestreams writes it.
    expect([...index.index[stream.contentIds.ubuntu].products].sort()).toEqual(
      nobleAmd64Products('candidate')
    )
  })

  it('selections name the stream subarch; import and read name each kernel as MAAS does', async () => {
    const data = join(root, 'kernels')
    const created = await replaceDefaultSource(data, server.url, stream.keyringPath)
    const sourceId = String(created.id)

    // MAAS's cache holds the product's subarch field, not the resource's flavoured name.
    const flavoured = await createSelection(
      data,
      sourceId,
      'os=ubuntu',
      'release=noble',
      'arches=amd64',
      'subarches=hwe-24.04-lowlatency-edge'
    )
    expect(flavoured.code).toBe(2)
    expect(flavoured.stdout).toMatch(
      /^subarches: No available images to download for 'hwe-24\.04-lowlatency-edge'; it could be: ga-24\.04, hwe-24\.04, hwe-24\.04-edge$/m
    )
    const edge = await createSelection(
      data,
      sourceId,
      'os=ubuntu',
      'release=noble',
      'arches=amd64',
      'subarches=hwe-24.04-edge'
    )
    expect(edge.code, edge.stdout).toBe(0)
    const selectionId = String((edge.json() as { id: number }).id)

    const first = await cli(data, 'admin', 'boot-resources', 'import', '--wait')
    expect(first.code, first.stderr).toBe(0)
    expect((await syncedNoble(data)).map((r) => r.architecture)).toEqual([
      'amd64/hwe-24.04-edge',
      'amd64/hwe-24.04-lowlatency-edge'
    ])

    const all = await cli(
      data,
      'admin',
      'boot-source-selection',
      'update',
      sourceId,
      selectionId,
      'subarches=*'
    )
    expect(all.code, all.stdout).toBe(0)
    const second = await cli(data, 'admin', 'boot-resources', 'import', '--wait')
    expect(second.code, second.stderr).toBe(0)
    const noble = await syncedNoble(data)
    expect(noble.map((r) => r.architecture)).toEqual([
      'amd64/ga-24.04',
      'amd64/ga-24.04-lowlatency',
      'amd64/hwe-24.04',
      'amd64/hwe-24.04-edge',
      'amd64/hwe-24.04-lowlatency',
      'amd64/hwe-24.04-lowlatency-edge'
    ])
    // MAAS keeps the product's subarches list on the resource (extra["subarches"]).
    const byArch = new Map(noble.map((r) => [r.architecture, r]))
    const edgeRow = NOBLE_AMD64_KERNELS.find((k) => k.subarch === 'hwe-24.04-edge')!
    expect(byArch.get('amd64/hwe-24.04-lowlatency-edge')?.subarches).toBe(edgeRow.subarches.join(','))
  })
})

describe('bootloaders as MAAS gives them', () => {
  it('boot-resources read and boot-resource read give a bootloader no title and no subarches', async () => {
    const data = join(root, 'bootloaders')
    const created = await replaceDefaultSource(data, server.url, stream.keyringPath)
    // Bootloaders come with any import, as in MAAS.
    const sourceId = String(created.id)
    const sel = await createSelection(
      data,
      sourceId,
      'os=ubuntu',
      'release=noble',
      'arches=amd64',
      'subarches=ga-24.04'
    )
    expect(sel.code, sel.stdout).toBe(0)
    const imported = await cli(data, 'admin', 'boot-resources', 'import', '--wait')
    expect(imported.code, imported.stderr).toBe(0)

    const list = await cli(data, 'admin', 'boot-resources', 'read')
    const loaders = jq(
      '[.[] | select(.name | test("/(uefi|pxe|open-firmware)$")) | {name, architecture, title: has("title"), subarches: has("subarches")}]',
      list.stdout
    )
    expect(JSON.parse(loaders)).toEqual([
      { name: 'grub-efi-signed/uefi', architecture: 'amd64/generic', title: false, subarches: false },
      { name: 'grub-efi/uefi', architecture: 'arm64/generic', title: false, subarches: false },
      { name: 'pxelinux/pxe', architecture: 'amd64/generic', title: false, subarches: false }
    ])
    // MAAS's example entry for a bootloader (boot-res-read): these keys, and none of title or subarches.
    const pxe = (list.json() as Array<Record<string, unknown>>).find((r) => r.name === 'pxelinux/pxe')!
    expect(pxe).toMatchObject({
      id: expect.any(Number),
      type: 'Synced',
      architecture: 'amd64/generic',
      resource_uri: `/MAAS/api/2.0/boot-resources/${String(pxe.id)}/`,
      last_deployed: null
    })
    const one = (await cli(data, 'admin', 'boot-resource', 'read', String(pxe.id))).json() as Record<
      string,
      unknown
    >
    expect(one).not.toHaveProperty('title')
    expect(one).not.toHaveProperty('subarches')
    expect(Object.keys(one.sets as object)).not.toHaveLength(0)
    // A kernel keeps both, as MAAS's kernel entries do.
    const kernel = (await syncedNoble(data))[0]
    expect(kernel).toMatchObject({
      architecture: 'amd64/ga-24.04',
      subarches: expect.stringContaining('generic,')
    })
  })
})
