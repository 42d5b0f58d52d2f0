import { spawn } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { BlobCache } from '../../src/main/library/blob-cache'
import { lockPath } from '../../src/main/import/import-lock'
import {
  assertCacheConsistent,
  engineFor,
  latestItems,
  payloadBytes,
  selection,
  streamEnv,
  type StreamEnv
} from './engine-fixture'
import { tempDir } from './helpers'

let env: StreamEnv
const dirs: string[] = []
beforeAll(async () => {
  env = await streamEnv(0.01, ['noble'])
})
afterAll(async () => {
  await env.close()
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
beforeEach(() => env.reset())

const wanted = (): Array<{ sha256: string; size: number }> =>
  latestItems(env.gen, (p) => p.includes(':24.04:') || p.includes(':1:'))
const total = (): number => wanted().reduce((n, i) => n + i.size, 0)

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
    env.server.options.rateBytesPerSec = 400 * 1024
    const dd = await tempDir('imp-kill-')
    dirs.push(dd)
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(__dirname, 'child-import.ts'),
        dd,
        env.server.url,
        env.gen.keyringPath,
        'noble'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (_c, sig) => r(sig === 'SIGKILL' ? 9 : _c))
    )
    await waitFor(() => payloadBytes(env.server) > total() * 0.4 || child.exitCode !== null, 25_000)
    expect(stderr).toBe('')
    child.kill('SIGKILL')
    expect(await exited).toBe(9)
    const firstRun = payloadBytes(env.server)
    expect(firstRun).toBeLessThan(total())
    // The dead process's lock is still on disk; the next import takes it over.
    expect(JSON.parse(await readFile(lockPath(dd), 'utf8')).pid).toBe(child.pid)

    env.reset()
    const engine = engineFor(env, dd, () => [selection('noble')])
    expect(await engine.isImporting()).toBe(false)
    const result = await engine.runImport()
    expect(result.failures).toEqual([])
    const secondRun = payloadBytes(env.server)
    // Resumed rather than restarted: together the two runs served little more than the total.
    expect(secondRun).toBeLessThan(total() - firstRun * 0.5)
    expect(firstRun + secondRun).toBeLessThan(total() * 1.15)
    expect(await assertCacheConsistent(dd)).toBe(wanted().length)
    expect(await new BlobCache(dd).listPartials()).toEqual([])
    await engine.dispose()
  })
})
