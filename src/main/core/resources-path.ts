/**
 * Locates files shipped in `resources/` (the bundled keyring). The built main bundle lives in
 * out/main/, the sources in src/main/core/; in a packaged app electron-builder puts `resources`
 * next to the asar. Walk up from this module until the folder appears.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

export function findResourcesDir(start: string = __dirname): string {
  let dir = start
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources')
    if (existsSync(join(candidate, 'keyrings'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath
  if (packaged && existsSync(join(packaged, 'keyrings'))) return packaged
  throw new Error(`cannot find the resources folder (looked upwards from ${start})`)
}

export const bundledKeyringPath = (): string =>
  join(findResourcesDir(), 'keyrings', 'ubuntu-cloudimage-keyring.gpg')
