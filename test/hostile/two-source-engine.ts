/**
 * Two signed mirrors, one release each, served over HTTP, and an import engine reading both as boot
 * sources 1 (noble) and 2 (jammy): for tests where one source must fail alone while the other imports.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { BootSource } from '@shared/types'
import { ImportEngine } from '../../src/main/import'
import { selection, settings } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'
import { generateStream, type GeneratedStream } from '../support/stream-generator'
import { startTestServer, type TestServer } from '../support/test-server'

export interface Mirror {
  gen: GeneratedStream
  server: TestServer
}

export interface TwoSources {
  /** a mirror of one release (amd64, one version per product) at the given payload scale */
  mirror(release: string, scale: number): Promise<Mirror>
  /** a fresh data directory, removed by close() */
  dataDir(prefix: string): Promise<string>
  engine(dataDir: string, a: Mirror, b: Mirror, freeSpaceMarginBytes?: number): ImportEngine
  close(): Promise<void>
}

/** Bytes a server sent for anything but the stream's metadata. */
export const payloadBytes = (s: TestServer): number =>
  [...s.stats.byPath].filter(([p]) => !p.startsWith('/streams/')).reduce((n, [, v]) => n + v.bytes, 0)

function source(id: number, m: Mirror): BootSource {
  return {
    id,
    url: m.server.url,
    keyring_filename: m.gen.keyringPath,
    keyring_data: '',
    created: '',
    updated: ''
  }
}

export function twoSources(): TwoSources {
  const dirs: string[] = []
  const mirrors: Mirror[] = []
  const dataDir = async (prefix: string): Promise<string> => {
    const d = await tempDir(prefix)
    dirs.push(d)
    return d
  }
  return {
    dataDir,
    async mirror(release, scale) {
      const dir = await dataDir('hostile-size-')
      const gen = await generateStream({
        dir: join(dir, 'mirror'),
        scale,
        releases: [release],
        arches: ['amd64'],
        versionsPerProduct: 1,
        centos: false,
        bootloaders: false
      })
      const m = { gen, server: await startTestServer({ root: gen.dir }) }
      mirrors.push(m)
      return m
    },
    engine(dataDir, a, b, freeSpaceMarginBytes) {
      return new ImportEngine({
        dataDir,
        listSources: async () => [
          { source: source(1, a), selections: [selection('noble')] },
          { source: source(2, b), selections: [{ ...selection('jammy'), boot_source_id: 2 }] }
        ],
        getSettings: async () => settings(),
        freeSpaceMarginBytes,
        tuning: { minSplitBytes: 256 * 1024, requestBytes: 1024 * 1024, backoffMs: 20 }
      })
    },
    async close() {
      for (const m of mirrors) await m.server.close()
      for (const d of dirs) await rm(d, { recursive: true, force: true })
    }
  }
}
