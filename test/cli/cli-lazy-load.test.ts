/**
 * The CLI loads only what a command uses: help never loads the services (and what they import), and
 * nothing but listing drives loads systeminformation (~800 KB of JavaScript). Each run is a fresh
 * process, so require.cache shows exactly what the command loaded.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dataDir = mkdtempSync(join(tmpdir(), 'maas-images-cli-lazy-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function run(...args: string[]): { code: number; services: boolean; systeminformation: boolean } {
  const tsx = resolve(__dirname, '../../node_modules/.bin/tsx')
  const out = execFileSync(tsx, [join(__dirname, 'cli-lazy-load-child.ts'), ...args], {
    encoding: 'utf8',
    timeout: 60_000
  })
  return JSON.parse(out) as { code: number; services: boolean; systeminformation: boolean }
}

describe('CLI lazy loading', () => {
  it('--help loads neither the services nor systeminformation', () => {
    expect(run('--help')).toEqual({ code: 0, services: false, systeminformation: false })
  })

  it('a command that uses the services loads them, but not systeminformation', () => {
    expect(run('--data-dir', dataDir, 'boot-sources', 'read')).toEqual({
      code: 0,
      services: true,
      systeminformation: false
    })
  })
})
