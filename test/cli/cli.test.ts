import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cli } from './cli-helpers'
import { helpText } from '../../src/main/cli/run-cli'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-cli-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('maas-images CLI', () => {
  it('boot-sources read prints the first-run source in the MAAS shape', async () => {
    const r = await cli(dir, 'boot-sources', 'read')
    expect(r.code).toBe(0)
    const sources = r.json() as Array<Record<string, unknown>>
    expect(sources).toHaveLength(1)
    expect(Object.keys(sources[0]).sort()).toEqual(
      ['created', 'id', 'keyring_data', 'keyring_filename', 'resource_uri', 'updated', 'url'].sort()
    )
    expect(sources[0]).toMatchObject({
      id: 1,
      url: 'https://images.maas.io/ephemeral-v3/stable/',
      keyring_filename: expect.stringMatching(/ubuntu-cloudimage-keyring\.gpg$/),
      keyring_data: ''
    })
  })

  it('boot-source-selections read 1 prints the newest LTS for amd64', async () => {
    const r = await cli(dir, 'boot-source-selections', 'read', '1')
    expect(r.code).toBe(0)
    expect(r.json()).toEqual([
      {
        id: 1,
        boot_source_id: 1,
        os: 'ubuntu',
        release: 'noble',
        arches: ['amd64'],
        subarches: ['*'],
        labels: ['*'],
        resource_uri: '/MAAS/api/2.0/boot-sources/1/selections/1/'
      }
    ])
  })

  it('a selection whose stream cannot be read is refused (MAAS checks its cache of the source too)', async () => {
    // The default source is images.maas.io; this data directory has no cached catalogue of it and no
    // network, so nothing can check release=jammy: refused, naming the cause. cli-maas-scripts.test.ts
    // creates, updates and deletes selections against a loopback stream.
    const r = await cli(
      dir,
      'boot-source-selections',
      'create',
      '1',
      'os=ubuntu',
      'release=jammy',
      'arches=amd64'
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^maas-images: .*images\.maas\.io/)
    expect((await cli(dir, 'boot-source-selections', 'read', '1')).json()).toHaveLength(1)
  })

  it('deleting the default source deletes its selections, and first run never recreates them', async () => {
    expect((await cli(dir, 'boot-source', 'delete', '1')).code).toBe(0)
    expect((await cli(dir, 'boot-sources', 'read')).json()).toEqual([])
    const gone = await cli(dir, 'boot-source-selections', 'read', '1')
    expect(gone).toMatchObject({
      code: 2,
      stdout: 'No BootSource matches the given query.\n',
      stderr: 'maas-images: boot source 1 does not exist\n'
    })
  })

  it('usage errors exit 2 with one line on stderr, and MAAS verbs print the refusal on stdout as maas', async () => {
    for (const args of [
      ['boot-sources', 'frobnicate'],
      ['no-such-command', 'read'],
      ['boot-source', 'read'],
      ['boot-source', 'read', 'abc'],
      ['boot-source-selections', 'create', '1', 'os=ubuntu', 'os=centos'],
      ['boot-source-selections', 'create', '1', 'os=ubuntu', 'release=noble', 'arches=amd64', 'colour=blue'],
      ['boot-source-selections', 'create', '1', 'os=ubuntu']
    ]) {
      const r = await cli(dir, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stdout.trim().split('\n').length).toBeLessThanOrEqual(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  it("a missing object gives MAAS's text and exit 2, and one line naming it on stderr", async () => {
    const r = await cli(dir, 'boot-source', 'read', '42')
    expect(r).toMatchObject({
      code: 2,
      stdout: 'No BootSource matches the given query.\n',
      stderr: 'maas-images: boot source 42 does not exist\n'
    })
    expect((await cli(dir, 'boot-source-selection', 'read', '1', '9')).stdout).toBe(
      'No BootSourceSelection matches the given query.\n'
    )
    expect((await cli(dir, 'boot-resource', 'read', '7')).stdout).toBe(
      'No BootResource matches the given query.\n'
    )
  })

  it('--help lists every command and --version prints the version', async () => {
    const help = await cli(dir, '--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('boot-source-selections create SOURCE_ID')
    expect(help.stdout).toBe(helpText())
    expect((await cli(dir, '--version')).stdout).toBe('9.9.9\n')
  })

  it('--help names a README section and a doc that exist', () => {
    const pointer = /see the README, "([^"]+)", and (docs\/[\w-]+\.md)/.exec(helpText())
    expect(pointer).not.toBeNull()
    expect(readFileSync(join(__dirname, '../../README.md'), 'utf8')).toContain(pointer![1])
    expect(existsSync(join(__dirname, '../..', pointer![2]))).toBe(true)
  })
})

describe('settings from the CLI', () => {
  it('settings read/update and MAAS get-config/set-config share one settings file', async () => {
    expect((await cli(dir, 'settings', 'read')).json()).toEqual({
      auto_sync: true,
      start_at_login: false,
      sync_interval_minutes: 60,
      connections: 16,
      proxy: { http_proxy: '', https_proxy: '', no_proxy: '' },
      commissioning_distro_series: 'noble',
      proxy_password_storage: {
        where: expect.any(String),
        message: expect.stringMatching(/^Proxy password: /)
      }
    })
    const updated = await cli(dir, 'settings', 'update', 'connections=4', 'https_proxy=http://proxy:3128')
    expect(updated.json()).toMatchObject({ connections: 4, proxy: { https_proxy: 'http://proxy:3128' } })

    const set = await cli(dir, 'maas', 'set-config', 'name=boot_images_auto_import', 'value=false')
    expect(set).toMatchObject({ code: 0, stdout: 'OK\n' })
    expect((await cli(dir, 'maas', 'get-config', 'name=boot_images_auto_import')).stdout).toBe('false\n')
    await cli(dir, 'maas', 'set-config', 'name=http_proxy', 'value=http://squid:3128')
    expect((await cli(dir, 'settings', 'read')).json()).toMatchObject({
      auto_sync: false,
      connections: 4,
      proxy: { http_proxy: 'http://squid:3128', https_proxy: 'http://squid:3128' }
    })
  })

  it('refuses bad values with a usage error', async () => {
    expect((await cli(dir, 'settings', 'update', 'connections=99')).code).toBe(2)
    expect((await cli(dir, 'settings', 'update', 'auto_sync=maybe')).code).toBe(2)
    expect((await cli(dir, 'maas', 'set-config', 'name=frobnicate', 'value=1')).stderr).toMatch(
      /frobnicate is not a valid config setting/
    )
  })
})
