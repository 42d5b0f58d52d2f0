// The Electron fuses flipped in every package (electron-builder afterPack → packaging/after-pack.mjs).
// Fuses are bits in the Electron binary itself: no flag, variable or file can turn them back on.
import { FuseV1Options, FuseVersion } from '@electron/fuses'

/**
 * @param {{ platform: string, arch: string }} target
 * @returns {import('@electron/fuses').FuseConfig}
 */
export function fuseConfig(target) {
  return {
    version: FuseVersion.V1,
    // Fail the build if a future Electron adds a fuse this list does not decide.
    strictlyRequireAllFuses: /** @type {const} */ (true),
    // Flipping fuses breaks the ad-hoc signature of an arm64 macOS binary: sign it again.
    resetAdHocDarwinSignature:
      target.platform === 'darwin' && (target.arch === 'arm64' || target.arch === 'universal'),
    // off: the binary is no Node.js runtime (ELECTRON_RUN_AS_NODE), takes no NODE_OPTIONS and no
    // --inspect, and file:// gets no extra privileges (the renderer is served from app://).
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    // on: app.asar is checked against its hash, the app loads only from it, cookies are encrypted.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.EnableCookieEncryption]: true,
    // left at Electron's defaults, stated so strictlyRequireAllFuses holds
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    [FuseV1Options.WasmTrapHandlers]: true
  }
}

/**
 * The file flipFuses patches in an unpacked app folder.
 * @param {{ platform: string, appOutDir: string, productFilename: string, executableName: string }} p
 */
export function electronBinaryPath(p) {
  if (p.platform === 'darwin') return `${p.appOutDir}/${p.productFilename}.app`
  if (p.platform === 'win32') return `${p.appOutDir}/${p.productFilename}.exe`
  return `${p.appOutDir}/${p.executableName}`
}
