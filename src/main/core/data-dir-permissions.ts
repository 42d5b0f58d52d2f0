/**
 * The data directory holds settings.json (which may carry a proxy password), the sources' keyrings
 * and what was imported: it is the user's alone. It is created 0700 and, on every start, tightened
 * to 0700 with its files to 0600 in case an older version or a copy left them readable by others.
 * Only the top level is walked: the image cache below is large and its folders are created 0700.
 * On Windows the ACL of the user's profile folder already does this; chmod there means little.
 *
 * `--data-dir` and MAAS_IMAGES_DATA_DIR can name any folder, e.g. a shared one (mode 1777) by mistake:
 * tightening that took its sticky bit and made other users' files 0600. So a folder that is not empty
 * must already hold our data (state.json, written on first use, or another JSON file of ours) or it is refused; a
 * folder owned by another user or carrying the sticky bit keeps its mode; another user's entries are
 * never changed.
 */
import { chmod, lstat, mkdir, readdir, stat } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '@shared/errors'
import { dataLayout } from './data-layout'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600
const STICKY = 0o1000

/**
 * The files that mark a folder as a data directory of ours: every start writes state.json; the others are
 * there too in a directory an older version or a half-copied backup left. Folder names (cache, metadata)
 * are too common in a shared folder to count.
 */
function markers(dataDir: string): string[] {
  const layout = dataLayout(dataDir)
  return [layout.state, layout.settings, layout.resources, layout.lastImport]
}

async function holdsOurData(dataDir: string): Promise<boolean> {
  for (const path of markers(dataDir)) {
    const info = await lstat(path).catch(() => undefined)
    if (info?.isFile()) return true
  }
  return false
}

/** Ours to chmod: owned by this user (no uid on Windows: never reached there). */
function mine(info: Stats): boolean {
  return process.getuid === undefined || info.uid === process.getuid()
}

export async function secureDataDir(
  dataDir: string,
  platform: NodeJS.Platform = process.platform
): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE })
  const entries = await readdir(dataDir)
  if (entries.length > 0 && !(await holdsOurData(dataDir))) {
    throw new AppError(
      'invalid_argument',
      `${dataDir} is not empty and holds no MAAS Images data (no state.json, settings.json, resources.json or last-import.json): ` +
        'choose a new or empty folder for --data-dir or MAAS_IMAGES_DATA_DIR; nothing in it was changed'
    )
  }
  if (platform === 'win32') return
  const dir = await stat(dataDir)
  if (mine(dir) && (dir.mode & STICKY) === 0) await chmod(dataDir, PRIVATE_DIR_MODE)
  for (const name of entries) {
    const path = join(dataDir, name)
    // lstat: a symlink's target may be anywhere, and is not ours to change.
    const info = await lstat(path).catch(() => undefined)
    if (!info || !mine(info)) continue
    if (info.isFile() && (info.mode & 0o077) !== 0) await chmod(path, info.mode & PRIVATE_FILE_MODE)
    else if (info.isDirectory() && (info.mode & 0o077) !== 0) await chmod(path, info.mode & PRIVATE_DIR_MODE)
  }
}
