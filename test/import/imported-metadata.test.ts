/** The imported metadata of a source is replaced as a whole, under the lock the metadata cache uses too. */
import { createHash } from 'node:crypto'
import { readFile, readdir, rm } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { VerifiedStream } from '../../src/main/streams/stream-types'
import {
  importedMetadataDir,
  saveImportedMetadata,
  type ImportedMetadataManifest
} from '../../src/main/library/imported-metadata'
import { source } from './fixtures'
import { tempDir } from './helpers'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

function streamOf(tag: string, n: number): VerifiedStream {
  const documents = Array.from({ length: n }, (_, i) => ({
    path: `streams/v1/${tag}-${i}.sjson`,
    url: `http://m/streams/v1/${tag}-${i}.sjson`,
    raw: Buffer.from(`${tag} document ${i} `.repeat(2000)),
    signature: { signed: false } as never
  }))
  return { rootUrl: 'http://m/', verified: true, documents, products: [] }
}

describe('imported metadata', () => {
  it('two imports saving one source at once leave one whole copy: every document the manifest names, nothing else', async () => {
    const dd = await tempDir('imported-')
    dirs.push(dd)
    const src = source(1)
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        ['a', 'b', 'c'].map((tag) =>
          saveImportedMetadata(dd, [{ source: src, stream: streamOf(tag + round, 12) }], new Set())
        )
      )
      const dir = importedMetadataDir(dd, 1)
      const manifest = JSON.parse(await readFile(`${dir}/manifest.json`, 'utf8')) as ImportedMetadataManifest
      expect(manifest.documents).toHaveLength(12)
      for (const d of manifest.documents) {
        const raw = await readFile(`${dir}/${d.sha256}`)
        expect(createHash('sha256').update(raw).digest('hex')).toBe(d.sha256)
        expect(raw.length).toBe(d.size)
      }
      expect((await readdir(dir)).sort()).toEqual(
        [...manifest.documents.map((d) => d.sha256), 'manifest.json'].sort()
      )
    }
  })
})
