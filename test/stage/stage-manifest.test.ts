/**
 * A stick's maas-images-stage.json is unsigned and made by whoever made the stick: it is read through the
 * bounded local reader and a schema. A FIFO (which would block for ever), /dev/zero (which never ends), a link
 * out of the stick or an oversized file is refused at once with the file's name; only a missing file means
 * "not a staged tree".
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  MAX_STAGE_MANIFEST_BYTES,
  STAGE_MANIFEST_FILE,
  readStagedManifest
} from '../../src/main/staged-tree/stage-manifest'

let root: string
let file: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'maas-images-manifest-'))
  file = join(root, STAGE_MANIFEST_FILE)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Resolves to the error readStagedManifest throws. */
async function refusal(): Promise<{ message: string }> {
  const err = await readStagedManifest(root).then(
    () => null,
    (e: Error) => e
  )
  expect(err, 'expected a refusal').toBeInstanceOf(Error)
  return { message: err!.message }
}

const valid = {
  format: 'maas-images-stage:1',
  complete: true,
  staged_at: '2024-01-01T00:00:00.000Z',
  source_url: 'http://images.example/',
  names: 'upstream',
  fingerprints: ['ABCD'],
  images: [],
  documents: ['streams/v1/index.sjson'],
  items: [{ path: 'a/b', sha256: 'a'.repeat(64), size: 3 }]
}

describe('readStagedManifest', () => {
  it('reads a manifest, and null when there is none', async () => {
    expect(await readStagedManifest(root)).toBeNull()
    await writeFile(file, JSON.stringify(valid))
    expect(await readStagedManifest(root)).toMatchObject({ documents: valid.documents, items: valid.items })
  })

  it('refuses a FIFO without waiting for a writer, naming it', async () => {
    execFileSync('mkfifo', [file])
    // No writer ever comes: opened, it would never settle, and the test's timeout would fail it.
    const r = await refusal()
    expect(r.message).toBe(`${file} is a FIFO, expected a regular file: refused`)
  })

  it('refuses a link to /dev/zero without reading it', async () => {
    await symlink('/dev/zero', file)
    const before = process.memoryUsage().rss
    const r = await refusal()
    // Read, it would be refused at the size cap, with another message.
    expect(r.message).toBe(`${file} is a link that leads outside the mirror root ${root}: refused`)
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024)
  })

  it('refuses a link out of the stick, even to a valid manifest, saying nothing of what is there', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'maas-images-manifest-elsewhere-'))
    try {
      await writeFile(join(elsewhere, 'private.json'), JSON.stringify(valid))
      await symlink(join(elsewhere, 'private.json'), file)
      const r = await refusal()
      expect(r.message).toContain(`${file} is a link that leads outside the mirror root`)
      expect(r.message).not.toContain(elsewhere)
    } finally {
      await rm(elsewhere, { recursive: true, force: true })
    }
  })

  it('refuses a dangling link instead of taking it for "no manifest"', async () => {
    await symlink(join(root, 'gone.json'), file)
    expect((await refusal()).message).toContain(file)
  })

  it('refuses a file over 16 MiB without reading it', async () => {
    const f = await open(file, 'w')
    await f.truncate(MAX_STAGE_MANIFEST_BYTES + 1)
    await f.close()
    const r = await refusal()
    expect(r.message).toBe(
      `${file} is not a usable staging manifest: it is larger than 16 MiB; stage the stick again, or remove ` +
        'that file to use the folder as a plain mirror'
    )
  })

  it('refuses what is not JSON or not of the expected shape, naming the field', async () => {
    await writeFile(file, '{"format": "maas-images-stage:1", "documents": [')
    expect((await refusal()).message).toMatch(
      new RegExp(`^${file.replace(/[.]/g, '\\.')} is not a usable staging manifest: not valid JSON`)
    )
    await writeFile(file, JSON.stringify({ ...valid, items: [{ path: 'a/b', sha256: 'x', size: 3 }] }))
    expect((await refusal()).message).toContain('at items.0.sha256')
    await writeFile(file, JSON.stringify({ ...valid, format: 'something-else' }))
    expect((await refusal()).message).toContain('at format')
  })
})
