/**
 * The packaging configuration: electron-builder targets, what goes into the packages, the fuses
 * flipped by the afterPack hook, and the CLI the deb/rpm put on the PATH.
 */
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FuseV1Options, FuseVersion } from '@electron/fuses'
import { describe, expect, it, vi } from 'vitest'
import { builderConfig } from '../../electron-builder.config.mjs'
import { electronBinaryPath, fuseConfig } from '../../packaging/fuses.mjs'
import afterPack from '../../packaging/after-pack.mjs'

const root = join(__dirname, '../..')

describe('electron-builder targets', () => {
  it('builds AppImage, deb and rpm on Linux, NSIS on Windows and a dmg on macOS', () => {
    expect(builderConfig.linux?.target).toEqual(['AppImage', 'deb', 'rpm'])
    expect(builderConfig.win?.target).toEqual(['nsis'])
    expect(builderConfig.mac?.target).toEqual(['dmg'])
    expect(builderConfig.directories).toMatchObject({ output: 'dist' })
  })

  it('names every package without spaces, so SHA256SUMS names the files GitHub serves', () => {
    // GitHub renames a release asset whose name has spaces, and the productName ("MAAS Images") has one.
    // electron-builder's own deb and rpm names are made of the package name, version and arch; the others
    // would take the productName.
    const expand = (pattern: string, arch: string, ext: string) =>
      pattern
        .replaceAll('${name}', 'maas-images')
        .replaceAll('${productName}', builderConfig.productName!)
        .replaceAll('${version}', '0.1.0')
        .replaceAll('${arch}', arch)
        .replaceAll('${ext}', ext)
    const names = [
      expand(
        builderConfig.appImage?.artifactName ?? '${productName}-${version}.${ext}',
        'x86_64',
        'AppImage'
      ),
      expand(builderConfig.nsis?.artifactName ?? '${productName} Setup ${version}.${ext}', 'x64', 'exe'),
      expand(builderConfig.dmg?.artifactName ?? '${productName}-${version}-${arch}.${ext}', 'arm64', 'dmg')
    ]
    expect(names).toEqual([
      'maas-images-0.1.0-x86_64.AppImage',
      'maas-images-setup-0.1.0-x64.exe',
      'maas-images-0.1.0-arm64.dmg'
    ])
    expect(builderConfig.deb?.artifactName).toBeUndefined()
    expect(builderConfig.rpm?.artifactName).toBeUndefined()
  })

  it('packs only the built app into app.asar, without the test host or the source', () => {
    expect(builderConfig.asar).toBe(true)
    expect(builderConfig.files).toEqual(
      expect.arrayContaining([
        'out/main/**',
        'out/preload/**',
        'out/renderer/**',
        '!out/main/browser-host.js'
      ])
    )
    expect((builderConfig.files as string[]).some((f) => f.startsWith('src'))).toBe(false)
  })

  it('builds and packs the import worker the app starts as a utility process, at the path main gives it', () => {
    // electron-vite builds one file per main entry, next to index.js: out/main/import-worker.js.
    const vite = readFileSync(join(root, 'electron.vite.config.ts'), 'utf8')
    expect(vite).toMatch(/'import-worker': resolve\(__dirname, 'src\/main\/import-worker\.ts'\)/)
    for (const entry of ['src/main/index.ts', 'src/main/browser-host.ts'])
      expect(readFileSync(join(root, entry), 'utf8')).toContain("join(__dirname, 'import-worker.js')")
    const files = builderConfig.files as string[]
    expect(files).toContain('out/main/**')
    expect(
      files.filter(
        (f) => f.startsWith('!') && 'out/main/import-worker.js'.includes(f.slice(1).replace('**/*', ''))
      )
    ).toEqual([])
  })

  it('uses icons from resources/ in every size the targets need', () => {
    expect(builderConfig.win?.icon).toBe('resources/icons/icon.ico')
    expect(builderConfig.mac?.icon).toBe('resources/icons/icon.icns')
    expect(builderConfig.linux?.icon).toBe('resources/icons')
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const png = readFileSync(join(root, `resources/icons/${size}x${size}.png`))
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
      // IHDR width and height
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size])
    }
    const ico = readFileSync(join(root, 'resources/icons/icon.ico'))
    expect(ico.readUInt16BE(0)).toBe(0)
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(6) // images inside, up to 256 px
    expect(readFileSync(join(root, 'resources/icons/icon.icns')).subarray(0, 4).toString('latin1')).toBe(
      'icns'
    )
  })

  it('installs the single-executable CLI as maas-images on the PATH from the deb and rpm', () => {
    expect(builderConfig.linux?.executableName).toBe('maas-images-desktop')
    const link = join(root, 'packaging/linux/maas-images')
    for (const target of [builderConfig.deb, builderConfig.rpm]) {
      expect(target?.fpm).toEqual([`${link}=/usr/bin/maas-images`])
    }
    // A link, not a copy: the executable finds the native modules beside its real path (resources/cli/).
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    const cli = (builderConfig.extraResources as Array<{ from: string; to: string; filter: string[] }>).find(
      (r) => r.from === 'out/cli'
    )!
    // Where its native modules land is checked on electron-builder's own copy: unpacked-layout.test.ts.
    expect(cli.filter).toEqual(['maas-images', 'maas-images.exe'])
    expect(readlinkSync(link)).toBe(`/opt/${builderConfig.productName}/resources/${cli.to}/maas-images`)
    // The packages need no Node.js.
    expect(JSON.stringify(builderConfig.deb)).not.toContain('nodejs')
  })

  it('makes the deb depend on every library Electron needs that GTK 3 does not bring', () => {
    // electron-builder's own list (FpmTarget's default Depends) is replaced, so it is kept whole.
    const electronBuilderDefaults = [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      'libsecret-1-0'
    ]
    expect(builderConfig.deb?.depends).toEqual(expect.arrayContaining(electronBuilderDefaults))
    expect(builderConfig.deb?.depends).toEqual(expect.arrayContaining(['libgbm1', 'libasound2']))
  })

  it('flips the fuses in an afterPack hook', () => {
    expect(builderConfig.afterPack).toBe(join(root, 'packaging/after-pack.mjs'))
  })
})

describe('fuses', () => {
  const config = fuseConfig({ platform: 'linux', arch: 'x64' }) as unknown as Record<string, unknown>

  it('turns off RunAsNode, NODE_OPTIONS, --inspect and file:// privileges', () => {
    expect(config[FuseV1Options.RunAsNode]).toBe(false)
    expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false)
    expect(config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false)
    expect(config[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false)
  })

  it('turns on asar integrity, asar-only loading and cookie encryption', () => {
    expect(config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true)
    expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true)
    expect(config[FuseV1Options.EnableCookieEncryption]).toBe(true)
  })

  it('decides every fuse this @electron/fuses knows, strictly', () => {
    expect(config.version).toBe(FuseVersion.V1)
    expect(config.strictlyRequireAllFuses).toBe(true)
    const known = Object.values(FuseV1Options).filter((v) => typeof v === 'number')
    for (const fuse of known)
      expect(typeof config[fuse], `fuse ${FuseV1Options[fuse as number]}`).toBe('boolean')
  })

  it('re-signs ad hoc only for arm64/universal macOS builds', () => {
    expect(fuseConfig({ platform: 'darwin', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(true)
    expect(fuseConfig({ platform: 'darwin', arch: 'x64' }).resetAdHocDarwinSignature).toBe(false)
    expect(fuseConfig({ platform: 'linux', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(false)
  })

  it('patches the binary of each platform', () => {
    const p = { appOutDir: '/d', productFilename: 'MAAS Images', executableName: 'maas-images-desktop' }
    expect(electronBinaryPath({ ...p, platform: 'linux' })).toBe('/d/maas-images-desktop')
    expect(electronBinaryPath({ ...p, platform: 'win32' })).toBe('/d/MAAS Images.exe')
    expect(electronBinaryPath({ ...p, platform: 'darwin' })).toBe('/d/MAAS Images.app')
  })
})

describe('afterPack hook', () => {
  it('flips the fuses in the packaged Linux binary', async () => {
    // A stand-in for the Electron binary: the fuse sentinel, wire version 1, nine fuses all '1'.
    const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
    const dir = mkdtempSync(join(tmpdir(), 'maas-images-afterpack-'))
    try {
      const binary = join(dir, 'maas-images-desktop')
      const prefix = Buffer.alloc(5000, 0x90)
      writeFileSync(
        binary,
        Buffer.concat([prefix, Buffer.from(sentinel), Buffer.from([1, 9]), Buffer.from('111111111')])
      )
      const log = vi.spyOn(console, 'log').mockImplementation(() => {})
      await afterPack({
        electronPlatformName: 'linux',
        arch: 1,
        appOutDir: dir,
        packager: { appInfo: { productFilename: 'MAAS Images' }, executableName: 'maas-images-desktop' }
      } as never)
      log.mockRestore()
      const wire = readFileSync(binary)
        .subarray(prefix.length + sentinel.length + 2)
        .toString('latin1')
      // RunAsNode, CookieEncryption, NodeOptions, CliInspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocol, WasmTrap
      expect(wire).toBe('010011001')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
