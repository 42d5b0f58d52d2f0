/** Shared bits for the import tests: temp dirs, random payload trees and a digest helper. */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export interface Payload {
  path: string
  data: Buffer
  sha256: string
}

/** Writes random files of the given sizes under root/files/. */
export async function payloads(root: string, sizes: number[]): Promise<Payload[]> {
  const out: Payload[] = []
  for (const [i, size] of sizes.entries()) {
    const data = randomBytes(size)
    const path = `files/f${i}.bin`
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), data)
    out.push({ path, data, sha256: sha256(data) })
  }
  return out
}
