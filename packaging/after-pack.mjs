// electron-builder afterPack hook: flip the fuses (packaging/fuses.mjs) in the unpacked app, before
// electron-builder signs it and builds the installers.
import { flipFuses } from '@electron/fuses'
import { electronBinaryPath, fuseConfig } from './fuses.mjs'

// builder-util's Arch enum, by value (builder-util is not a direct dependency)
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']

/** @param {import('app-builder-lib').AfterPackContext} context */
export default async function afterPack(context) {
  const platform = context.electronPlatformName
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch)
  const binary = electronBinaryPath({
    platform,
    appOutDir: context.appOutDir,
    productFilename: context.packager.appInfo.productFilename,
    // LinuxPackager's executableName (linux.executableName); unused on other platforms
    executableName: /** @type {{ executableName?: string }} */ (context.packager).executableName ?? ''
  })
  await flipFuses(binary, fuseConfig({ platform, arch }))
  console.log(`  • fuses flipped in ${binary}`)
}
