/**
 * The CLI's V8 code cache (src/main/cli/compile-cache.ts), in real processes: a module compiled through it
 * behaves as Node compiles it (exports, its own require and require.resolve, __dirname, errors), the second
 * process uses the cache the first wrote, and a file that runs import() is left to Node.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultCompileCacheDir, mayImport } from '../../src/main/cli/compile-cache'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'compile-cache-'))
  await writeFile(join(dir, 'helper.js'), 'exports.twice = (n) => n * 2\n')
  await writeFile(
    join(dir, 'entry.js'),
    [
      "const { twice } = require('./helper')",
      'exports.report = async () => ({',
      '  twice: twice(21),',
      '  dirname: __dirname,',
      "  resolved: require.resolve('./helper'),",
      '  self: module.exports === exports,',
      "  stack: new Error('here').stack.split('\\n')[1].trim(),",
      // A real dynamic import: this file must be compiled by Node, not through the cache.
      "  imported: (await import('node:path')).sep",
      '})'
    ].join('\n')
  )
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

interface ChildReport {
  hits?: number
  misses?: number
  report: Record<string, unknown>
}

function runChild(cacheDir: string): ChildReport {
  const tsx = resolve(__dirname, '../../node_modules/.bin/tsx')
  const out = execFileSync(
    tsx,
    [join(__dirname, 'compile-cache-child.ts'), cacheDir, join(dir, 'entry.js')],
    {
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  return JSON.parse(out) as ChildReport
}

describe('CLI code cache', () => {
  it('compiles modules as Node does, and a second process uses the cache the first one wrote', async () => {
    const cache = join(dir, 'cache')
    const plain = runChild('-')
    const first = runChild(cache)
    expect(first.report).toEqual(plain.report)
    expect(first.report).toMatchObject({
      twice: 42,
      dirname: dir,
      resolved: join(dir, 'helper.js'),
      self: true
    })
    // entry.js runs import(): Node's own; helper.js is compiled through the cache.
    expect(first).toMatchObject({ hits: 0, misses: 1 })
    const written = await readdir(cache)
    expect(written).toHaveLength(1)
    expect((await stat(cache)).mode & 0o777).toBe(0o700)
    expect((await stat(join(cache, written[0]))).mode & 0o777).toBe(0o600)
    const second = runChild(cache)
    expect(second).toMatchObject({ hits: 1, misses: 0 })
    expect(second.report).toEqual(plain.report)
  })

  it('compiles again, and rewrites the cache, when a file changed or its cache is damaged', async () => {
    const cache = join(dir, 'cache')
    runChild(cache)
    await writeFile(join(dir, 'helper.js'), 'exports.twice = (n) => n + n\n')
    expect(runChild(cache)).toMatchObject({ hits: 0, misses: 1 })
    const files = await readdir(cache)
    for (const f of files) await writeFile(join(cache, f), 'not a code cache')
    const damaged = runChild(cache)
    expect(damaged).toMatchObject({ hits: 0, misses: 1 })
    expect(damaged.report).toMatchObject({ twice: 42 })
    expect(runChild(cache)).toMatchObject({ hits: 1, misses: 0 })
  })

  it('tells an import() in code from one in a comment', () => {
    expect(mayImport("const m = await import('x')")).toBe(true)
    expect(mayImport("/**\n * @returns {import('x').T}\n */\nconst a = 1")).toBe(false)
    expect(mayImport("// import('x')\nconst a = 1")).toBe(false)
    expect(mayImport('const a = 1')).toBe(false)
  })

  it('lives in the user cache folder, per Node version and architecture', () => {
    const d = defaultCompileCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' })
    if (process.platform !== 'win32') {
      expect(d).toBe(
        join('/home/u/.cache', 'maas-images', 'v8-code-cache', `${process.version}-${process.arch}`)
      )
    }
  })
})
