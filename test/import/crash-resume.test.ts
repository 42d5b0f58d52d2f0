import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BlobCache } from '../../src/main/library/blob-cache'
import { lockPath } from '../../src/main/import/import-lock'
import {
  assertCacheConsistent,
  engineFor,
  latestItems,
  payloadBytes,
  selection,
  nobleOrBoot,
  useStreamEnv
} from './engine-fixture'

const fixture = useStreamEnv('imp-kill-', ['noble'])

const wanted = (): Array<{ sha256: string; size: number }> => latestItems(fixture.env.gen, nobleOrBoot)
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
    fixture.env.server.options.rateBytesPerSec = 400 * 1024
    const dd = await fixture.dataDir()
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(__dirname, 'child-import.ts'),
        dd,
        fixture.env.server.url,
        fixture.env.gen.keyringPath,
        'noble'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (_c, sig) => r(sig === 'SIGKILL' ? 9 : _c))
    )
    await waitFor(() => payloadBytes(fixture.env.server) > total() * 0.4 || child.exitCode !== null, 25_000)
    expect(stderr).toBe('')
    child.kill('SIGKILL')
    expect(await exited).toBe(9)
    const firstRun = payloadBytes(fixture.env.server)
    expect(firstRun).toBeLessThan(total())
    // The dead process's lock is still on disk; the next import takes it over.
    expect(JSON.parse(await readFile(lockPath(dd), 'utf8')).pid).toBe(child.pid)

    fixture.env.reset()
    const engine = engineFor(fixture.env, dd, () => [selection('noble')])
    expect(await engine.isImporting()).toBe(false)
    const result = await engine.runImport()
    expect(result.failures).toEqual([])
    const secondRun = payloadBytes(fixture.env.server)
    // Resumed rather than restarted: together the two runs served little more than the total.
    expect(secondRun).toBeLessThan(total() - firstRun * 0.5)
    expect(firstRun + secondRun).toBeLessThan(total() * 1.15)
    expect(await assertCacheConsistent(dd)).toBe(wanted().length)
    expect(await new BlobCache(dd).listPartials()).toEqual([])
    await engine.dispose()
  })
})
