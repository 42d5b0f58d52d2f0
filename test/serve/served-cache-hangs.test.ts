/**
 * Serving a boot source's image cache whose disk stops answering (a failing data disk, a network mount that
 * went away): a blob read with no reply within the stall limit answers 503 without a path, and serving stops
 * with a reason naming the cache's blob folder, the same way a served stick does (served-medium-hangs.test.ts).
 * The signed documents are held in memory and are no read of the disk.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BootSource } from '@shared/types'
import { dataLayout } from '../../src/main/core/data-layout'
import { cacheMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer, type MirrorServer } from '../../src/main/serve/mirror-server'
import { hangReads, type HangingReads } from '../support/failing-medium'
import { bootSourceOf } from '../import/engine-fixture'
import { importedDataDir, type ImportedDataDir } from '../stage/imported-data-dir'

const LIMIT_MS = 200
let src: ImportedDataDir
let source: BootSource
let server: MirrorServer | null = null
let hanging: HangingReads | null = null

beforeAll(async () => {
  src = await importedDataDir()
  source = bootSourceOf(src.env)
}, 120_000)

afterAll(async () => {
  await src?.close()
})

afterEach(async () => {
  hanging?.restore()
  hanging = null
  await server?.close()
  server = null
})

describe("a served boot source's cache whose disk stops answering", () => {
  it('answers 503 without a path, stops naming the blob folder, and reads the disk no more', async () => {
    const files = await cacheMirror(src.dataDir, source, undefined, { timeoutMs: LIMIT_MS })
    server = await startMirrorServer(files, { port: 0, rootCheckMs: 3_600_000, mediumTimeoutMs: LIMIT_MS })
    const blob = src.staged.find((s) => s.size > 0 && !s.path.startsWith('streams/'))!
    expect(blob).toBeDefined()
    expect((await fetch(`${server.url}${blob.path}`)).status).toBe(200)

    hanging = await hangReads()
    const res = await fetch(`${server.url}${blob.path}`)
    expect(res.status).toBe(503)
    const text = await res.text()
    expect(text).toContain('serving stopped')
    expect(text).not.toContain(src.dataDir)
    const blobs = dataLayout(src.dataDir).cacheBlobs
    expect(await server.stopped).toBe(
      `the image cache in ${blobs} stopped answering (no reply in ${LIMIT_MS} ms): its disk may be failing ` +
        'or be a network mount that went away'
    )
    const sent = hanging.reads()
    await expect(fetch(`${server.url}${blob.path}`)).rejects.toThrow()
    expect(hanging.reads()).toBe(sent)
  })
})
