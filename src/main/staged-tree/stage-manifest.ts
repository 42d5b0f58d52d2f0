/**
 * Reads the manifest a staging writes at the root of its target (maas-images-stage.json). A stick is untrusted
 * and this file is not signed: it is read through the bounded local reader (regular file inside the root, size
 * cap, cancellable) and checked against a schema, so a FIFO, a device, a link out of the stick or a huge file is
 * refused at once with its name, and a file of the wrong shape is never half-used.
 */
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '@shared/errors'
import { formatLimit } from '../net/limits'
import { readLocalFile, type LocalFileOptions } from '../net/local-file'

export const STAGE_MANIFEST_FILE = 'maas-images-stage.json'

/**
 * Largest manifest read. An item's line is about 200 bytes (path, sha256, size), so a staging of the whole
 * stable stream (a few thousand items) is well under 1 MiB; 16 MiB leaves room for 80,000 items while keeping
 * what a hostile stick can make us hold small (the same cap as a keyring).
 */
export const MAX_STAGE_MANIFEST_BYTES = 16 * 1024 * 1024

const streamPath = z.string().min(1).max(4096)

const stagedManifestSchema = z.object({
  format: z.literal('maas-images-stage:1'),
  complete: z.boolean().optional(),
  staged_at: z.string().max(64).optional(),
  source_url: z.string().max(8192).optional(),
  names: z.enum(['mapped', 'upstream']).optional(),
  fingerprints: z.array(z.string().max(128)).optional(),
  documents: z.array(streamPath),
  /** files an earlier staging wrote that this one does not keep, still to be removed (see stale-files.ts) */
  stale: z.array(streamPath).optional(),
  items: z.array(
    z.object({
      path: streamPath,
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      size: z.number().int().nonnegative()
    })
  )
})

export type StagedManifest = z.infer<typeof stagedManifestSchema>

function refused(file: string, why: string): AppError {
  return new AppError(
    'stream_invalid',
    `${file} is not a usable staging manifest: ${why}; stage the stick again, or remove that file to use the ` +
      'folder as a plain mirror'
  )
}

/**
 * The manifest, or null when the directory has none (not a staged tree). Anything else at that name that is not
 * a manifest of ours (special file, link out of the root, over the cap, not JSON, wrong shape) throws, naming
 * the file and the cause.
 */
export async function readStagedManifest(
  root: string,
  o: Pick<LocalFileOptions, 'signal' | 'timeoutMs'> = {}
): Promise<StagedManifest | null> {
  const file = join(root, STAGE_MANIFEST_FILE)
  // lstat, not stat: a dangling link is there (and refused below), not a missing manifest.
  const there = await lstat(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return false
      throw new AppError('io', `cannot read ${file}: ${err.code ?? err.message}`, { cause: err })
    }
  )
  if (!there) return null
  // Its errors name the file and the cause ("… is a FIFO, expected a regular file: refused").
  const raw = await readLocalFile(
    file,
    MAX_STAGE_MANIFEST_BYTES,
    () => refused(file, `it is larger than ${formatLimit(MAX_STAGE_MANIFEST_BYTES)}`),
    { ...o, root }
  )
  let json: unknown
  try {
    json = JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw refused(file, `not valid JSON (${(err as Error).message})`)
  }
  const parsed = stagedManifestSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
    throw refused(file, `${issue?.message ?? 'unexpected content'}${where}`)
  }
  return parsed.data
}
