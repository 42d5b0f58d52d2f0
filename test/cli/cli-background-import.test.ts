/**
 * MAAS's import contract through the real CLI process: `boot-resources import` starts the import in a detached
 * process and returns at once with MAAS's words, exit 0, also while one runs; the import itself finishes in the
 * background, writes its log under the data directory and leaves the resources synced.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateStream, type GeneratedStream } from '../support/stream-generator'
import { startTestServer, type TestServer } from '../support/test-server'

const ENTRY = resolve(__dirname, '../../src/main/cli.ts')

let root: string
let stream: GeneratedStream
let server: TestServer

let slow: TestServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'maas-images-bg-import-'))
  stream = await generateStream({
    dir: join(root, 'stream'),
    scale: 0.005,
    versionsPerProduct: 1,
    centos: false
  })
  server = await startTestServer({ root: join(root, 'stream') })
  // About 3 MB at 16 KiB/s: an import that outlasts every check below, however loaded the machine; the test
  // stops it.
  slow = await startTestServer({ root: join(root, 'stream'), rateBytesPerSec: 16 * 1024 })
})
afterAll(async () => {
  await server.close()
  await slow.close()
  rmSync(root, { recursive: true, force: true })
})

/** The CLI as its own process (node + tsx on the real entry), as `maas-images` runs from a terminal. */
function run(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--data-dir', dataDir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.once('error', fail)
    child.once('close', (code) => done({ code: code ?? -1, stdout, stderr }))
  })
}

/** Polls `is-importing` as a MAAS script does, until it answers `want`. */
async function untilImporting(dataDir: string, want: boolean): Promise<void> {
  for (;;) {
    const r = await run(dataDir, 'admin', 'boot-resources', 'is-importing')
    expect(r.code, r.stderr).toBe(0)
    if (JSON.parse(r.stdout) === want) return
  }
}

/** A data directory whose one source is `url`, with noble amd64 selected. */
async function dataDir(name: string, url: string): Promise<string> {
  const data = join(root, name)
  expect((await run(data, 'admin', 'boot-source', 'delete', '1')).code).toBe(0)
  const created = await run(
    data,
    'admin',
    'boot-sources',
    'create',
    `url=${url}`,
    `keyring_filename=${stream.keyringPath}`
  )
  expect(created.code, created.stderr).toBe(0)
  const id = (JSON.parse(created.stdout) as { id: number }).id
  const sel = await run(
    data,
    'admin',
    'boot-source-selections',
    'create',
    String(id),
    'os=ubuntu',
    'release=noble',
    'arches=amd64'
  )
  expect(sel.code, sel.stdout + sel.stderr).toBe(0)
  return data
}

const STARTED = 'Import of boot resources started\n'

describe('boot-resources import (MAAS contract)', () => {
  it('returns at once, holding the lock; a second import starts nothing; stop-import ends it', async () => {
    const data = await dataDir('slow', slow.url)
    expect(await run(data, 'admin', 'boot-resources', 'import')).toMatchObject({ code: 0, stdout: STARTED })
    // The lock is held before the command returns, so a script's first poll already sees it.
    const polled = await run(data, 'admin', 'boot-resources', 'is-importing')
    expect(JSON.parse(polled.stdout)).toBe(true)
    // MAAS answers the same while an import runs, and nothing starts twice.
    expect(await run(data, 'admin', 'boot-resources', 'import')).toMatchObject({ code: 0, stdout: STARTED })
    const stop = await run(data, 'admin', 'boot-resources', 'stop-import')
    expect(stop).toMatchObject({ code: 0, stdout: 'Import of boot resources is being stopped\n' })
    await untilImporting(data, false)
    const log = await readFile(join(data, 'cli-import.log'), 'utf8')
    expect(log.match(/reading stream metadata/g)).toHaveLength(1)
    expect(log).not.toMatch(/Import of boot resources finished/)
  }, 120_000)

  it('the detached import runs to the end: its log says so and the resources are synced', async () => {
    const data = await dataDir('fast', server.url)
    expect(await run(data, 'admin', 'boot-resources', 'import')).toMatchObject({ code: 0, stdout: STARTED })
    await untilImporting(data, false)
    const log = await readFile(join(data, 'cli-import.log'), 'utf8')
    expect(log.match(/Import of boot resources finished/g)).toHaveLength(1)
    const read = await run(data, 'admin', 'boot-resources', 'read')
    const rows = JSON.parse(read.stdout) as Array<{ name: string; architecture: string }>
    expect(rows.map((r) => `${r.name} ${r.architecture}`)).toContain('ubuntu/noble amd64/ga-24.04')
  }, 120_000)
})
