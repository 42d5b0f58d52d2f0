/**
 * MAAS admins' scripts, run unchanged through `maas-images` (as `alias maas=maas-images` would): the profile word,
 * `-k`, `key@=FILE`, the seed document's own commands, and the `jq` pipelines scripts use, against a signed
 * MAAS-shaped stream on loopback. JSON and exit codes are held against MAAS's example JSON
 * (maasserver/api/examples/boot-sources.json, boot-resources.json) and MAAS's texts.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateStream, type GeneratedStream } from '../support/stream-generator'
import { startTestServer, type TestServer } from '../support/test-server'
import { cli, createSelection, replaceDefaultSource } from './cli-helpers'
import { maasSubarch, maasTitle } from '../../src/main/import/plan/resource-identity'
import { withResourceUri } from '../../src/main/cli/maas-objects'

let root: string
let stream: GeneratedStream
let server: TestServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'maas-images-maas-scripts-'))
  stream = await generateStream({ dir: join(root, 'stream'), versionsPerProduct: 1 })
  server = await startTestServer({ root: join(root, 'stream') })
})
afterAll(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})

const jq = (filter: string, input: string, raw = false): string =>
  execFileSync('jq', [...(raw ? ['-r'] : []), filter], { input, encoding: 'utf8' }).trim()

/** `maas admin maas get-config name=NAME` and `set-config name=NAME value=VALUE`. */
const getConfig = (data: string, name: string) => cli(data, 'admin', 'maas', 'get-config', `name=${name}`)
const setConfig = (data: string, name: string, value: string) =>
  cli(data, 'admin', 'maas', 'set-config', `name=${name}`, `value=${value}`)

/** A data directory whose only source is the loopback stream, created with MAAS's `keyring_data@=FILE`. */
async function dataDirWithLoopbackSource(name: string): Promise<{ data: string; sourceId: number }> {
  const data = join(root, name)
  const source = await replaceDefaultSource(data, server.url, stream.keyringPath, '-k')
  expect(source.resource_uri).toBe(`/MAAS/api/2.0/boot-sources/${source.id}/`)
  expect(source.keyring_data).not.toBe('')
  return { data, sourceId: source.id }
}

describe('MAAS framing', () => {
  it('the profile word and -k are accepted; objects carry MAAS resource_uri; jq takes ids from it', async () => {
    const data = join(root, 'framing')
    const r = await cli(data, '-k', 'admin', 'boot-sources', 'read')
    expect(r.code).toBe(0)
    // MAAS's example (boot-sources-read) has exactly these keys.
    expect(Object.keys((r.json() as object[])[0]).sort()).toEqual(
      ['created', 'id', 'keyring_data', 'keyring_filename', 'resource_uri', 'updated', 'url'].sort()
    )
    // The seed document's pipeline, and the common one that takes the id from resource_uri.
    expect(jq('.[] | select(.url | contains("images.maas.io/ephemeral-v3")) | .id', r.stdout)).toBe('1')
    expect(jq('.[0].resource_uri | split("/")[-2]', r.stdout, true)).toBe('1')
    const sel = await cli(data, 'admin', 'boot-source-selections', 'read', '1')
    expect(jq('.[0].resource_uri', sel.stdout, true)).toBe('/MAAS/api/2.0/boot-sources/1/selections/1/')
  })

  it('errors: MAAS text on stdout and exit 2; -d names the code on stderr', async () => {
    const data = join(root, 'errors')
    const r = await cli(data, 'admin', 'boot-source', 'read', '42', '-d')
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('No BootSource matches the given query.\n')
    expect(r.stderr).toMatch(/code not_found/)
    const t = await cli(data, 'admin', 'boot-resources', 'read', 'type=bogus')
    expect(t).toMatchObject({
      code: 2,
      stdout: "'bogus' is not a valid boot resource type. Available types: ['synced', 'uploaded']\n"
    })
  })

  it('key@=FILE refuses a keyring over 16 MiB and a missing file, naming them', async () => {
    const data = join(root, 'at-file')
    const big = join(root, 'big.gpg')
    writeFileSync(big, Buffer.alloc(16 * 1024 * 1024 + 1))
    const r = await cli(data, 'admin', 'boot-sources', 'create', `url=${server.url}`, `keyring_data@=${big}`)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/keyring_data@=.*big\.gpg: the file is larger than 16/)
    const gone = await cli(
      data,
      'admin',
      'boot-sources',
      'create',
      `url=${server.url}`,
      'keyring_data@=/nonexistent/ring.gpg'
    )
    expect(gone.code).toBe(2)
    expect(gone.stderr).toMatch(/keyring_data@=\/nonexistent\/ring\.gpg: cannot read the file/)
  })
})

describe("the seed document's commands", () => {
  it('select, import (background, MAAS words), poll is-importing, read resources in MAAS order', async () => {
    const { data, sourceId } = await dataDirWithLoopbackSource('seed')
    const created = await createSelection(
      data,
      sourceId,
      'os=ubuntu',
      'release=noble',
      'arches=amd64',
      'subarches=*',
      'labels=*'
    )
    expect(created.code, created.stdout + created.stderr).toBe(0)
    // MAAS's example boot-source-sel-create has exactly these keys.
    expect(Object.keys(created.json() as object).sort()).toEqual(
      ['arches', 'boot_source_id', 'id', 'labels', 'os', 'release', 'resource_uri', 'subarches'].sort()
    )
    expect(created.json()).toMatchObject({
      os: 'ubuntu',
      release: 'noble',
      arches: ['amd64'],
      subarches: ['*'],
      labels: ['*'],
      boot_source_id: sourceId,
      resource_uri: expect.stringMatching(
        new RegExp(`^/MAAS/api/2\\.0/boot-sources/${sourceId}/selections/\\d+/$`)
      )
    })

    const imported = await cli(data, 'admin', 'boot-resources', 'import', '--wait')
    expect(imported.code, imported.stderr).toBe(0)

    const list = await cli(data, 'admin', 'boot-resources', 'read', 'type=synced')
    expect(list.code).toBe(0)
    const resources = list.json() as Array<{
      id: number
      name: string
      architecture: string
      resource_uri: string
      type: string
    }>
    const names = resources.map((r) => `${r.name} ${r.architecture}`)
    expect(names).toEqual([...names].sort())
    for (const r of resources) expect(r.resource_uri).toBe(`/MAAS/api/2.0/boot-resources/${r.id}/`)
    // MAAS's example boot-res-read entry for a kernel, and last_deployed (3.7.3's boot_resource_to_dict).
    const kernelKeys = ['id', 'type', 'name', 'architecture', 'resource_uri', 'subarches', 'last_deployed']
    for (const r of resources.filter((x) => x.name === 'ubuntu/noble'))
      expect(Object.keys(r)).toEqual(expect.arrayContaining(kernelKeys))
    expect(jq('[.[] | select(.name == "ubuntu/noble")] | length', list.stdout)).not.toBe('0')
    expect((await cli(data, 'admin', 'boot-resources', 'read', 'type=uploaded')).json()).toEqual([])

    const kernel = resources.find((r) => r.name === 'ubuntu/noble')!
    const one = await cli(data, 'admin', 'boot-resource', 'read', String(kernel.id))
    const detail = one.json() as {
      sets: Record<
        string,
        {
          size: number
          complete: boolean
          files: Record<
            string,
            { filetype: string; size: number; filename_on_disk: string; sha256: string; complete: boolean }
          >
        }
      >
    }
    for (const set of Object.values(detail.sets)) {
      // MAAS's set and file keys (boot_resource_set_to_dict, boot_resource_file_to_dict); `progress` only
      // while incomplete.
      expect(set.complete).toBe(true)
      expect(Object.keys(set).sort()).toEqual(['complete', 'files', 'label', 'size', 'version'])
      for (const f of Object.values(set.files))
        expect(Object.keys(f).sort()).toEqual(
          ['complete', 'filename', 'filename_on_disk', 'filetype', 'sha256', 'size'].sort()
        )
      const files = Object.values(set.files)
      expect(files.map((f) => f.filetype)).not.toContain('manifest')
      expect(set.size).toBe(files.reduce((a, f) => a + f.size, 0))
      for (const f of files) expect(f.filename_on_disk).toBe(f.sha256)
    }

    expect((await cli(data, 'admin', 'boot-resources', 'is-importing')).stdout).toBe('false\n')
    expect(await cli(data, 'admin', 'boot-resources', 'stop-import')).toMatchObject({
      code: 0,
      stdout: 'Import of boot resources is being stopped\n'
    })
  })

  it('boot-resources import without --wait starts a detached process and answers as MAAS', async () => {
    const { data } = await dataDirWithLoopbackSource('background')
    const r = await cli(data, 'admin', 'boot-resources', 'import')
    // In-process callers have no CLI process to start; the real entry passes it (cli-main.ts).
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/use --wait/)
  })
})

describe('selections checked against the stream, as MAAS', () => {
  it('a typo is refused with the values it could have been; the commissioning selection cannot go', async () => {
    const { data, sourceId } = await dataDirWithLoopbackSource('checks')
    const bad = await createSelection(data, sourceId, 'os=ubuntu', 'release=bogus', 'arches=amd64')
    expect(bad.code).toBe(2)
    expect(bad.stdout).toMatch(
      /OS ubuntu with release bogus has no available images for download; it could be: jammy, noble/
    )
    const arch = await createSelection(data, sourceId, 'os=ubuntu', 'release=noble', 'arches=amd46')
    expect(arch.stdout).toMatch(
      /arches: No available images to download for 'amd46'; it could be: amd64, arm64/
    )
    const label = await createSelection(
      data,
      sourceId,
      'os=ubuntu',
      'release=noble',
      'arches=amd64',
      'labels=stabel'
    )
    expect(label).toMatchObject({
      code: 2,
      stdout: "labels: No available images to download for 'stabel'; it could be: stable\n"
    })
    const ok = await createSelection(data, sourceId, 'os=ubuntu', 'release=noble', 'arches=amd64')
    expect(ok.code, ok.stdout).toBe(0)
    const selId = (ok.json() as { id: number }).id
    const sub = await cli(
      data,
      'admin',
      'boot-source-selection',
      'update',
      String(sourceId),
      String(selId),
      'subarches=hwe-24.4'
    )
    expect(sub.stdout).toMatch(
      /subarches: No available images to download for 'hwe-24\.4'; it could be: ga-24\.04, hwe-24\.04/
    )
    const del = await cli(data, 'admin', 'boot-source-selection', 'delete', String(sourceId), String(selId))
    expect(del).toMatchObject({
      code: 2,
      stdout: 'Unable to delete ubuntu noble. It is the operating system used for commissioning.\n'
    })
  })
})

describe('config answers as MAAS', () => {
  it('get-config prints JSON for jq -r; set-config prints OK and checks as MAAS', async () => {
    const { data } = await dataDirWithLoopbackSource('config')
    const series = await getConfig(data, 'commissioning_distro_series')
    expect(series.stdout).toBe('"noble"\n')
    expect(jq('.', series.stdout, true)).toBe('noble')
    expect((await getConfig(data, 'boot_images_auto_import')).stdout).toBe('true\n')
    expect((await getConfig(data, 'http_proxy')).stdout).toBe('null\n')
    expect((await setConfig(data, 'boot_images_import_interval_minutes', '30')).stdout).toBe('OK\n')
    expect((await getConfig(data, 'boot_images_import_interval_minutes')).stdout).toBe('30\n')

    const bogus = await setConfig(data, 'commissioning_distro_series', 'bogus')
    expect(bogus.code).toBe(2)
    expect(bogus.stdout).toBe(
      "commissioning_distro_series: 'bogus' is not a valid commissioning_distro_series.  It should be one of: 'jammy', 'noble'.\n"
    )
    expect((await setConfig(data, 'commissioning_distro_series', 'jammy')).stdout).toBe('OK\n')

    // boot_images_no_proxy is a boolean: true puts the image repository's host in no_proxy, false takes it out.
    expect((await setConfig(data, 'boot_images_no_proxy', 'true')).stdout).toBe('OK\n')
    const settings = (await cli(data, 'settings', 'read')).json() as { proxy: { no_proxy: string } }
    expect(settings.proxy.no_proxy).toBe(new URL(server.url).hostname)
    expect((await getConfig(data, 'boot_images_no_proxy')).stdout).toBe('true\n')
    expect((await setConfig(data, 'boot_images_no_proxy', 'maybe')).code).toBe(2)

    await setConfig(data, 'http_proxy', 'http://squid:3128')
    expect((await getConfig(data, 'enable_http_proxy')).stdout).toBe('true\n')
    await setConfig(data, 'enable_http_proxy', 'false')
    expect((await getConfig(data, 'http_proxy')).stdout).toBe('null\n')

    const unknown = await getConfig(data, 'ntp_servers')
    expect(unknown.code).toBe(2)
    expect(unknown.stdout).toMatch(
      /^ntp_servers is not a valid config setting \(valid settings are: boot_images_auto_import, /
    )
  })
})

describe("MAAS's kernel naming and titles (maasserver/bootresources.py, bootsources.py)", () => {
  it('names flavoured kernels as MAAS: the flavour before edge', () => {
    expect(maasSubarch('hwe-20.04-edge', 'lowlatency')).toBe('hwe-20.04-lowlatency-edge')
    expect(maasSubarch('hwe-rolling-edge', 'lowlatency')).toBe('hwe-rolling-lowlatency-edge')
    expect(maasSubarch('ga-24.04', 'lowlatency')).toBe('ga-24.04-lowlatency')
    expect(maasSubarch('hwe-22.04-lowlatency', 'lowlatency')).toBe('hwe-22.04-lowlatency')
    expect(maasSubarch('generic', 'lowlatency')).toBe('generic')
    expect(maasSubarch('ga-24.04', 'generic')).toBe('ga-24.04')
    expect(maasTitle('Ubuntu', '24.04 LTS', '')).toBe('Ubuntu 24.04 LTS')
    expect(maasTitle('Ubuntu Core', '16', 'pc')).toBe('Ubuntu Core 16 pc')
    expect(maasTitle('', '24.04 LTS', '')).toBe('')
  })
})

describe("MAAS's resource keys (maasserver/api/boot_resources.py)", () => {
  it('an incomplete set and file keep progress; a complete one has none', () => {
    const file = (complete: boolean) => ({
      filename: 'squashfs',
      filetype: 'squashfs',
      sha256: 'a'.repeat(64),
      size: 10,
      complete,
      progress: complete ? 100 : 40
    })
    const resource = {
      id: 3,
      type: 'Synced' as const,
      name: 'ubuntu/noble',
      architecture: 'amd64/ga-24.04',
      subarches: 'generic,ga-24.04',
      title: '24.04 LTS',
      last_deployed: null,
      status: 'Downloading 40%',
      sets: {
        '20250805': {
          version: '20250805',
          label: 'stable',
          size: 10,
          complete: false,
          progress: 40,
          files: { squashfs: file(false) }
        },
        '20250716': {
          version: '20250716',
          label: 'stable',
          size: 10,
          complete: true,
          progress: 100,
          files: { squashfs: file(true) }
        }
      }
    }
    const out = withResourceUri(resource)
    expect(out.sets?.['20250805']).toMatchObject({ progress: 40, files: { squashfs: { progress: 40 } } })
    expect(out.sets?.['20250716']).not.toHaveProperty('progress')
    expect(out.sets?.['20250716'].files.squashfs).not.toHaveProperty('progress')
    expect(out).toMatchObject({
      subarches: 'generic,ga-24.04',
      title: '24.04 LTS',
      resource_uri: '/MAAS/api/2.0/boot-resources/3/'
    })
  })
})
