/**
 * The unpacked Linux app as the installed electron-builder lays it out with this project's configuration
 * (`--dir`: the tree the deb and rpm install under /opt/MAAS Images/ and the AppImage holds). The real
 * Electron binary cannot be downloaded here, so the build starts from stand-ins in a temporary project: an
 * "Electron" that is only the fuse sentinel (the afterPack hook flips its fuses), one app file, and out/cli as
 * build-cli-sea.mjs leaves it. What is checked is where electron-builder puts the CLI, its native modules and
 * the keyring, and that /usr/bin/maas-images points at that CLI: a copy rule that drops a file fails here, not
 * on a user's machine.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Arch, Platform, build } from 'electron-builder'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { builderConfig } from '../../electron-builder.config.mjs'
import { onlyOn } from '../support/only-on'

const root = join(__dirname, '../..')
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'

/** The files of out/cli that build-cli-sea.mjs leaves: the executable and the native modules it requires. */
const CLI_FILES = [
  'maas-images',
  'node_modules/@ronomon/direct-io/binding.node',
  'node_modules/@ronomon/direct-io/package.json',
  'node_modules/@napi-rs/keyring/package.json',
  'node_modules/@napi-rs/keyring/index.js',
  'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node'
]

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
}

describe.runIf(
  onlyOn(
    ['linux'],
    'the unpacked-app layout: its stand-in Electron is a Linux one; ' +
      'the release workflow checks the Windows and macOS packages on their runners'
  )
)('the unpacked Linux app (electron-builder --dir with a stand-in Electron)', () => {
  let work: string
  let appOutDir: string

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'maas-images-unpacked-'))
    const project = join(work, 'project')
    const electronDist = join(work, 'electron')
    write(
      join(electronDist, 'electron'),
      Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, 9]), Buffer.from('111111111')])
    )
    write(join(electronDist, 'LICENSE'), 'stand-in')
    write(
      join(project, 'package.json'),
      JSON.stringify({ name: 'maas-images', version: '0.1.0', main: './out/main/index.js', author: 'test' })
    )
    write(join(project, 'out/main/index.js'), '// stand-in main\n')
    for (const f of CLI_FILES) write(join(project, 'out/cli', f), `stand-in ${f}`)
    write(join(project, 'resources/keyrings/ubuntu-cloudimage-keyring.gpg'), 'stand-in keyring')
    write(join(project, 'resources/icons/512x512.png'), 'stand-in icon')
    // electron-builder logs each step; the test shows only its own output.
    vi.spyOn(console, 'log').mockImplementation(() => {})
    await build({
      projectDir: project,
      targets: Platform.LINUX.createTarget('dir', Arch.x64),
      config: {
        ...builderConfig,
        directories: { ...builderConfig.directories, output: join(work, 'dist') },
        electronDist,
        electronVersion: '45.5.0',
        npmRebuild: false
      }
    })
    vi.restoreAllMocks()
    appOutDir = join(work, 'dist/linux-unpacked')
  }, 180_000)

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('ships the CLI with the native modules it requires from beside it, and the bundled keyring', () => {
    for (const f of CLI_FILES) {
      const shipped = join(appOutDir, 'resources/cli', f)
      expect(existsSync(shipped), `resources/cli/${f} is missing from the package`).toBe(true)
      expect(readFileSync(shipped, 'utf8')).toBe(`stand-in ${f}`)
    }
    expect(existsSync(join(appOutDir, 'resources/keyrings/ubuntu-cloudimage-keyring.gpg'))).toBe(true)
  })

  it('points /usr/bin/maas-images at that CLI where the deb and rpm install it', () => {
    const link = join(root, 'packaging/linux/maas-images')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    // electron-builder's deb and rpm install the unpacked app as /opt/<product name>/.
    const target = readlinkSync(link)
    const prefix = `/opt/${builderConfig.productName}/`
    expect(target.startsWith(prefix), target).toBe(true)
    expect(existsSync(join(appOutDir, target.slice(prefix.length))), `${target} is not in the package`).toBe(
      true
    )
    expect(existsSync(join(appOutDir, 'maas-images-desktop'))).toBe(true)
  })
})
