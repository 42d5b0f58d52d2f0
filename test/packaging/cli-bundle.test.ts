/**
 * The CLI as the packages ship it: one self-contained file (packaging/build-cli.mjs) in
 * <install>/resources/cli/, run by plain Node with no node_modules anywhere near it, finding the
 * bundled keyring in <install>/resources/keyrings/. And the Linux wrapper's answer when Node is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliBuildOptions } from '../../packaging/build-cli.mjs'
import { builderConfig } from '../../electron-builder.config.mjs'

const root = join(__dirname, '../..')
const work = mkdtempSync(join(tmpdir(), 'maas-images-cli-bundle-'))
const resources = join(work, 'MAAS Images', 'resources')
const cli = join(resources, 'cli', 'maas-images.cjs')
afterAll(() => rmSync(work, { recursive: true, force: true }))

beforeAll(async () => {
  mkdirSync(join(resources, 'cli'), { recursive: true })
  cpSync(join(root, 'resources/keyrings'), join(resources, 'keyrings'), { recursive: true })
  await build({ ...cliBuildOptions, outfile: cli, logLevel: 'silent' })
})

describe('packaged CLI bundle', () => {
  it('loads the system keyring library shipped next to it, and says so when it is missing', () => {
    const storage = (): { where: string; message: string } =>
      JSON.parse(
        execFileSync(process.execPath, [cli, '--data-dir', join(work, 'data-keyring'), 'settings', 'read'], {
          cwd: work,
          encoding: 'utf8',
          // No D-Bus session: the library loads, the Secret Service is not there.
          env: { PATH: process.env.PATH ?? '', HOME: work }
        })
      ).proxy_password_storage
    expect(storage().message).toMatch(
      /^Proxy password: none stored; one would be kept in settings\.json \(mode 0600\): no system keyring library/
    )
    const shipped = (
      builderConfig.extraResources as Array<{ from: string; to: string; filter: string[] }>
    ).find((r) => r.from === 'node_modules/@napi-rs')!
    const to = join(resources, shipped.to)
    cpSync(join(root, shipped.from), to, { recursive: true })
    try {
      expect(storage().message).toMatch(
        /^Proxy password: none stored; one would be kept in settings\.json \(mode 0600\): no system keyring on this machine/
      )
    } finally {
      rmSync(join(resources, 'cli', 'node_modules'), { recursive: true, force: true })
    }
  })

  it('runs under plain Node from the install layout and finds the bundled keyring', () => {
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [cli, '--data-dir', join(work, 'data'), ...args], {
        cwd: work,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: work }
      })
    const version = execFileSync(process.execPath, [cli, '--version'], { cwd: work, encoding: 'utf8' })
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const [source] = JSON.parse(run('boot-sources', 'read')) as Array<{ keyring_filename: string }>
    const system = '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg'
    expect(source.keyring_filename).toBe(
      existsSync(system) ? system : join(resources, 'keyrings', 'ubuntu-cloudimage-keyring.gpg')
    )
  })

  it('the Linux wrapper says what is missing when there is no node on the PATH', () => {
    const result = spawnSync('/bin/sh', [join(root, 'packaging/linux/maas-images'), '--help'], {
      encoding: 'utf8',
      env: { PATH: join(work, 'no-such-bin') }
    })
    expect(result.status).toBe(127)
    expect(result.stderr).toContain('needs Node.js 20 or newer')
  })
})
