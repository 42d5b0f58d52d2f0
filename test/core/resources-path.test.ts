/**
 * The bundled keyring must be found in every layout the app runs in: the source checkout, the
 * built app (out/main), a packaged app (process.resourcesPath + extraResources) on Linux/Windows
 * and macOS, and the packaged CLI (<install>/resources/cli/).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findResourcesDir } from '../../src/main/core/resources-path'
import { builderConfig } from '../../electron-builder.config.mjs'

const root = mkdtempSync(join(tmpdir(), 'maas-images-resources-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function withKeyring(dir: string): string {
  mkdirSync(join(dir, 'keyrings'), { recursive: true })
  writeFileSync(join(dir, 'keyrings', 'ubuntu-cloudimage-keyring.gpg'), 'k')
  return dir
}

describe('findResourcesDir', () => {
  it('finds resources/ by walking up from the source tree or out/main', () => {
    const repo = join(root, 'repo')
    withKeyring(join(repo, 'resources'))
    mkdirSync(join(repo, 'out/main'), { recursive: true })
    expect(findResourcesDir({ start: join(repo, 'out/main'), resourcesPath: undefined })).toBe(
      join(repo, 'resources')
    )
  })

  it('uses process.resourcesPath of a packaged Linux/Windows app (extraResources next to app.asar)', () => {
    const install = join(root, 'opt', 'MAAS Images')
    const resources = withKeyring(join(install, 'resources'))
    // __dirname inside the asar: <install>/resources/app.asar/out/main (not a real folder on disk)
    const start = join(resources, 'app.asar', 'out', 'main')
    expect(findResourcesDir({ start, resourcesPath: resources })).toBe(resources)
  })

  it('uses Contents/Resources of a packaged macOS app, ahead of any resources/ folder above it', () => {
    // a stray resources/ folder inside the bundle, within reach of the upward walk
    const decoy = withKeyring(join(root, 'Applications', 'MAAS Images.app', 'resources'))
    const resources = withKeyring(join(root, 'Applications', 'MAAS Images.app', 'Contents', 'Resources'))
    const start = join(resources, 'app.asar', 'out', 'main')
    const found = findResourcesDir({ start, resourcesPath: resources })
    expect(found).toBe(resources)
    expect(found).not.toBe(decoy)
  })

  it('finds the install resources from the packaged CLI under plain Node (no resourcesPath)', () => {
    const install = join(root, 'opt2', 'MAAS Images')
    const resources = withKeyring(join(install, 'resources'))
    mkdirSync(join(resources, 'cli'), { recursive: true })
    expect(findResourcesDir({ start: join(resources, 'cli'), resourcesPath: undefined })).toBe(resources)
  })

  it('names where it looked when the keyring is nowhere', () => {
    const empty = join(root, 'empty', 'a', 'b')
    mkdirSync(empty, { recursive: true })
    expect(() => findResourcesDir({ start: empty, resourcesPath: join(root, 'nope') })).toThrow(
      /cannot find the resources folder with keyrings\/ \(looked in .*nope and upwards from .*b\)/
    )
  })

  it('the builder copies exactly the folder findResourcesDir expects into resourcesPath', () => {
    const extra = builderConfig.extraResources as Array<{ from: string; to: string }>
    expect(extra).toContainEqual({ from: 'resources/keyrings', to: 'keyrings', filter: ['**/*'] })
  })
})
