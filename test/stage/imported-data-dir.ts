/**
 * A data directory that imported noble amd64 and the bootloaders from a generated signed stream,
 * through the CLI as an admin would, and the CLI helpers the staging tests share: the plain-directory
 * tests (unit) and the FAT32/exFAT round trip (system) start from it.
 */
import { createHash } from 'node:crypto'
import { readFile, readdir, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { cli } from '../cli/cli-helpers'
import { streamEnv, type StreamEnv } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

export interface ImportedDataDir {
  env: StreamEnv
  /** the test's own folder: data directories, targets and mount points go under it */
  tmp: string
  /** the data directory that imported from env's stream */
  dataDir: string
  /** every item the import cached (noble amd64 + bootloaders), one entry per upstream path */
  staged: Array<{ path: string; sha256: string; size: number }>
  /** the signed documents (the generator also writes unsigned .json twins, which staging leaves out) */
  signedDocs: string[]
  close(): Promise<void>
}

/** Every file under root, as sorted '/'-separated relative paths. */
export async function files(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name))
      else out.push(relative(root, join(d, e.name)).split('\\').join('/'))
    }
  }
  await walk(root)
  return out.sort()
}

export async function useSource(env: StreamEnv, dataDir: string, url: string): Promise<void> {
  const r = await cli(
    dataDir,
    'boot-source',
    'update',
    '1',
    `url=${url}`,
    `keyring_filename=${env.gen.keyringPath}`
  )
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
}

export async function importAll(dataDir: string): Promise<void> {
  const r = await cli(dataDir, 'boot-resources', 'import', '--wait')
  expect(r.code, r.stdout + r.stderr).toBe(0)
}

/** Every cached blob hashes to its name, and the set of blobs is what the first import cached. */
export async function expectCacheHolds(
  dataDir: string,
  want: ReadonlyArray<{ sha256: string }>
): Promise<void> {
  const root = join(dataDir, 'cache', 'sha256')
  const have = new Set<string>()
  for (const sub of await readdir(root)) {
    for (const name of await readdir(join(root, sub))) {
      expect(sha256(await readFile(join(root, sub, name)))).toBe(name)
      have.add(name)
    }
  }
  expect([...have].sort()).toEqual([...new Set(want.map((w) => w.sha256))].sort())
}

export async function stageCli(dataDir: string, target: string, ...extra: string[]) {
  const r = await cli(dataDir, 'stage', target, ...extra)
  return { ...r, result: r.code === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : null }
}

/**
 * Imports from a generated signed stream (the first run selects noble amd64, as MAAS does); `scale` is the
 * fraction of real image sizes.
 */
export async function importedDataDir(scale = 0.002): Promise<ImportedDataDir> {
  const env = await streamEnv(scale, ['noble'])
  const tmp = await tempDir('stage-rt-')
  const dataDir = join(tmp, 'data-a')
  await useSource(env, dataDir, env.server.url)
  await importAll(dataDir)
  const latest = new Map<string, string>()
  for (const it of env.gen.items)
    if (!latest.has(it.product) || it.version > latest.get(it.product)!) latest.set(it.product, it.version)
  const selected = new Set(
    env.gen.products
      .filter(
        (p) =>
          p.content_id === env.gen.contentIds.bootloader ||
          (p.fields.os === 'ubuntu' && p.fields.release === 'noble' && p.fields.arch === 'amd64')
      )
      .map((p) => p.product_name)
  )
  const wanted = env.gen.items.filter(
    (it) => latest.get(it.product) === it.version && selected.has(it.product)
  )
  const staged = [...new Map(wanted.map((w) => [w.path, w])).values()]
  await expectCacheHolds(dataDir, staged)
  return {
    env,
    tmp,
    dataDir,
    staged,
    signedDocs: env.gen.documents.filter((d) => d.endsWith('.sjson')),
    async close() {
      await env.close().catch(() => undefined)
      await rm(tmp, { recursive: true, force: true })
    }
  }
}

/**
 * importedDataDir for a test file: made before its tests, removed after them. Returns a getter, since the
 * directory exists only once beforeAll has run.
 */
export function useImportedDataDir(): () => ImportedDataDir {
  let src: ImportedDataDir | undefined
  beforeAll(async () => {
    src = await importedDataDir()
  }, 120_000)
  afterAll(async () => {
    await src?.close()
  })
  return () => {
    if (!src) throw new Error('useImportedDataDir: the data directory is read before beforeAll ran')
    return src
  }
}
