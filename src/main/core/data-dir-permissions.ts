/**
 * The data directory holds settings.json (which may carry a proxy password), the sources' keyrings
 * and what was imported: it is the user's alone. It is created 0700 and, on every start, tightened
 * to 0700 with its files to 0600 in case an older version or a copy left them readable by others.
 * Only the top level is walked: the image cache below is large and its folders are created 0700.
 * On Windows the ACL of the user's profile folder already does this; chmod there means little.
 */
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

export async function secureDataDir(
  dataDir: string,
  platform: NodeJS.Platform = process.platform
): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (platform === 'win32') return
  await chmod(dataDir, PRIVATE_DIR_MODE)
  for (const name of await readdir(dataDir)) {
    const path = join(dataDir, name)
    // lstat: a symlink's target may be anywhere, and is not ours to change.
    const info = await lstat(path).catch(() => undefined)
    if (!info) continue
    if (info.isFile() && (info.mode & 0o077) !== 0) await chmod(path, info.mode & PRIVATE_FILE_MODE)
    else if (info.isDirectory() && (info.mode & 0o077) !== 0) await chmod(path, info.mode & PRIVATE_DIR_MODE)
  }
}
