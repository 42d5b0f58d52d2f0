import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BlobCache } from '../../src/main/library/blob-cache'
import { lockPath } from '../../src/main/import/import-lock'
import { assertCacheConsistent, payloadBytes, useNobleStream } from './engine-fixture'

const noble = useNobleStream('imp-kill-')

function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  return new Promise((res, rej) => {
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t)
        res()
      } else if (Date.now() > end) {
        clearInterval(t)
        rej(new Error('timed out waiting'))
      }
    }, 20)
  })
}

describe('crash', () => {
  it('resumes after kill -9 of an importing process, re-fetching only what was missing', async () => {
    noble.env.server.options.rateBytesPerSec = 400 * 1024
    const dd = await noble.dataDir()
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(__dirname, 'child-import.ts'),
        dd,
        noble.env.server.url,
        noble.env.gen.keyringPath,
        'noble'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (_c, sig) => r(sig === 'SIGKILL' ? 9 : _c))
    )
    await waitFor(
      () => payloadBytes(noble.env.server) > noble.wantedBytes() * 0.4 || child.exitCode !== null,
      25_000
    )
    expect(stderr).toBe('')
    child.kill('SIGKILL')
    expect(await exited).toBe(9)
    const firstRun = payloadBytes(noble.env.server)
    expect(firstRun).toBeLessThan(noble.wantedBytes())
    // The dead process's lock is still on disk; the next import takes it over.
    expect(JSON.parse(await readFile(lockPath(dd), 'utf8')).pid).toBe(child.pid)

    noble.env.reset()
    const engine = noble.engine(dd)
    expect(await engine.isImporting()).toBe(false)
    const result = await engine.runImport()
    expect(result.failures).toEqual([])
    const secondRun = payloadBytes(noble.env.server)
    // Resumed rather than restarted: together the two runs served little more than the total.
    expect(secondRun).toBeLessThan(noble.wantedBytes() - firstRun * 0.5)
    expect(firstRun + secondRun).toBeLessThan(noble.wantedBytes() * 1.15)
    expect(await assertCacheConsistent(dd)).toBe(noble.wanted().length)
    expect(await new BlobCache(dd).listPartials()).toEqual([])
    await engine.dispose()
  })
})
