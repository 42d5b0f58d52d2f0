/**
 * Small JSON files (state, settings) and metadata blobs are replaced atomically: write a temp file,
 * fsync it, rename it over the old one, fsync the directory. A crash mid-write leaves the previous
 * good file, never a truncated one; and once this returns, the rename itself survives a power cut
 * (it is an entry in the directory, which the file's own fsync does not write).
 * Files are created 0600 and directories 0700: they live in the user's private data directory.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { randomBytes } from 'node:crypto'

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const fh = await open(tmp, 'w', 0o600)
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  await syncDirectory(dirname(path))
}

/** fsync of a directory makes its entries (a rename) durable. Windows cannot open a directory for it. */
export async function syncDirectory(
  dir: string,
  platform: NodeJS.Platform = process.platform
): Promise<void> {
  if (platform === 'win32') return
  const dh = await open(dir, 'r')
  try {
    await dh.sync()
  } finally {
    await dh.close()
  }
}

export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  return JSON.parse(text) as T
}
