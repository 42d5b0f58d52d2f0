/** A generated, signed MAAS-shaped stream on the loopback test server, and engines pointed at it. */
import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { BootSource, BootSourceSelection, Settings } from '@shared/types'
import { ImportEngine, type ImportEngineDeps } from '../../src/main/import'
import { BlobCache } from '../../src/main/library/blob-cache'
import { generateStream, type GeneratedStream } from '../support/stream-generator'
import { startTestServer, type TestServer } from '../support/test-server'
import { tempDir } from './helpers'

export interface StreamEnv {
  dir: string
  gen: GeneratedStream
  server: TestServer
  /** resets server knobs in place (the server keeps a reference to its options object) */
  reset(): void
  close(): Promise<void>
}

export async function streamEnv(scale = 0.01, releases = ['jammy', 'noble']): Promise<StreamEnv> {
  const dir = await tempDir('imp-stream-')
  const gen = await generateStream({ dir, scale, releases, arches: ['amd64', 'arm64'] })
  const server = await startTestServer({ root: dir })
  return {
    dir,
    gen,
    server,
    reset() {
      for (const k of Object.keys(server.options))
        delete (server.options as unknown as Record<string, unknown>)[k]
      server.options.root = dir
      server.resetStats()
    },
    async close() {
      await server.close()
      await rm(dir, { recursive: true, force: true })
      // The generator puts the keyring beside the served tree.
      await rm(gen.keyringPath, { force: true })
    }
  }
}

/**
 * One stream server for a test file (started before its tests, closed after, its knobs reset before each test)
 * and fresh data dirs named `prefix…`, all removed at the end.
 */
export function useStreamEnv(
  prefix: string,
  releases?: string[]
): { readonly env: StreamEnv; dataDir(): Promise<string> } {
  let env: StreamEnv | undefined
  const dirs: string[] = []
  beforeAll(async () => {
    env = await streamEnv(0.01, releases)
  })
  afterAll(async () => {
    await env?.close()
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })
  beforeEach(() => env?.reset())
  return {
    get env() {
      if (!env) throw new Error('useStreamEnv: the stream is read before beforeAll ran')
      return env
    },
    async dataDir() {
      const d = await tempDir(prefix)
      dirs.push(d)
      return d
    }
  }
}

/** The products `selection('noble')` takes: noble's kernels and images (24.04) and the bootloaders (`:1:`). */
export const nobleOrBoot = (product: string): boolean =>
  product.includes(':24.04:') || product.includes(':1:')

/**
 * A stream of noble alone for a test file (as useStreamEnv), what importing `selection('noble')` from it
 * fetches, and an engine that imports it into a data directory.
 */
export function useNobleStream(prefix: string) {
  const fixture = useStreamEnv(prefix, ['noble'])
  const wanted = () => latestItems(fixture.env.gen, nobleOrBoot)
  return {
    get env(): StreamEnv {
      return fixture.env
    },
    dataDir: fixture.dataDir,
    /** the unique payloads the import fetches */
    wanted,
    /** their bytes */
    wantedBytes: (): number => wanted().reduce((n, i) => n + i.size, 0),
    engine: (dataDir: string, extra: Partial<ImportEngineDeps> = {}): ImportEngine =>
      engineFor(fixture.env, dataDir, () => [selection('noble')], extra)
  }
}

export const settings = (over: Partial<Settings> = {}): Settings => ({
  auto_sync: true,
  start_at_login: false,
  sync_interval_minutes: 60,
  connections: 8,
  proxy: { http_proxy: '', https_proxy: '', no_proxy: '' },
  commissioning_distro_series: 'noble',
  ...over
})

export function selection(release: string, arches = ['*'], os = 'ubuntu'): BootSourceSelection {
  return { id: 1, boot_source_id: 1, os, release, arches, subarches: ['*'], labels: ['*'] }
}

/** The boot source of the env's stream, as state.json would hold it, verified with the stream's keyring. */
export function bootSourceOf(env: StreamEnv, id = 1): BootSource {
  return {
    id,
    url: env.server.url,
    keyring_filename: env.gen.keyringPath,
    keyring_data: '',
    created: '',
    updated: ''
  }
}

export function engineFor(
  env: StreamEnv,
  dataDir: string,
  selections: () => BootSourceSelection[],
  extra: Partial<ImportEngineDeps> = {}
): ImportEngine {
  return new ImportEngine({
    dataDir,
    listSources: async () => [
      {
        source: bootSourceOf(env),
        selections: selections()
      }
    ],
    getSettings: async () => settings(),
    // Small bounded requests make every split lossless, so byte counts at the server are exact.
    tuning: { minSplitBytes: 256 * 1024, requestBytes: 1024 * 1024, backoffMs: 20 },
    ...extra
  })
}

/** Payload bytes the server sent (everything outside streams/). */
export function payloadBytes(server: TestServer): number {
  let n = 0
  for (const [path, s] of server.stats.byPath) if (!path.startsWith('/streams/')) n += s.bytes
  return n
}

/** Every blob in the cache hashes to its own name; returns how many there are. */
export async function assertCacheConsistent(dataDir: string): Promise<number> {
  const cache = new BlobCache(dataDir)
  const shas = await cache.list()
  for (const sha of shas) {
    const got = createHash('sha256')
      .update(await readFile(cache.blobPath(sha)))
      .digest('hex')
    if (got !== sha) throw new Error(`cache blob ${sha} holds bytes hashing to ${got}`)
  }
  return shas.length
}

/** Unique payloads (by sha256) of the latest version of the products a test selects. */
export function latestItems(gen: GeneratedStream, match: (product: string) => boolean) {
  const latest = new Map<string, string>()
  for (const it of gen.items) {
    if (!match(it.product)) continue
    const cur = latest.get(it.product)
    if (!cur || it.version > cur) latest.set(it.product, it.version)
  }
  const out = new Map<string, { sha256: string; size: number; path: string }>()
  for (const it of gen.items) if (latest.get(it.product) === it.version) out.set(it.sha256, it)
  return [...out.values()]
}
