/**
 * Locates files shipped in `resources/` (the bundled keyring, the app icon).
 *
 * - Packaged app: electron-builder copies them with `extraResources` to `process.resourcesPath`
 *   (`<install>/resources/` on Linux and Windows, `<App>.app/Contents/Resources/` on macOS), next
 *   to app.asar. That is checked first, so a `resources/` folder in some parent directory of the
 *   install can never shadow it.
 * - Source checkout, built app and the packaged CLI: walk up from this module (src/main/core/,
 *   out/main/, or `<install>/resources/cli/`) until a `resources/keyrings` folder appears.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface ResourcesLookup {
  start?: string
  /** Electron's process.resourcesPath; undefined under plain Node */
  resourcesPath?: string
  exists?: (path: string) => boolean
}

const electronResourcesPath = (): string | undefined =>
  (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath

export function findResourcesDir(lookup: ResourcesLookup | string = {}): string {
  const opts = typeof lookup === 'string' ? { start: lookup } : lookup
  const start = opts.start ?? __dirname
  const exists = opts.exists ?? existsSync
  const packaged = 'resourcesPath' in opts ? opts.resourcesPath : electronResourcesPath()
  if (packaged && exists(join(packaged, 'keyrings'))) return packaged
  let dir = start
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources')
    if (exists(join(candidate, 'keyrings'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new Error(
    `cannot find the resources folder with keyrings/ (looked in ${packaged ?? 'no process.resourcesPath'} and upwards from ${start})`
  )
}

export const bundledKeyringPath = (): string =>
  join(findResourcesDir(), 'keyrings', 'ubuntu-cloudimage-keyring.gpg')
