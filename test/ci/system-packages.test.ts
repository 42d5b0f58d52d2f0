/**
 * `.ci/system-packages` (run by .ci/run and the CI workflow) installs every Debian package a test names as what
 * it needs. A system test fails as root when its tool is missing, so a package left out of the script fails CI
 * on the runner (squid, gnome-keyring and python3-fusepy were). The packages are read from what the tests say:
 * "apt-get install …" in their messages, and the package lists given to systemTools().
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(__dirname, '../..')

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
}

/** Every package a test or e2e spec (or their support code) names. */
function packagesTheTestsName(): Map<string, string> {
  const named = new Map<string, string>()
  const patterns = [
    /apt-get install ((?:[a-z0-9][a-z0-9.+-]*)(?: [a-z0-9][a-z0-9.+-]*)*)/g,
    /systemTools\((?:\[[^\]]*\]|\w+),\s*'([^']+)'\)/g,
    /_PACKAGES = '([^']+)'/g
  ]
  for (const file of [...sourceFiles('test'), ...sourceFiles('e2e')]) {
    if (file === __filename) continue
    const text = readFileSync(file, 'utf8')
    for (const pattern of patterns)
      for (const match of text.matchAll(pattern))
        for (const pkg of match[1].split(' ')) named.set(pkg, file.slice(root.length + 1))
  }
  return named
}

describe('.ci/system-packages', () => {
  it('installs every package the tests name as what they need', () => {
    const script = readFileSync(join(root, '.ci/system-packages'), 'utf8')
    const installed = new Set([...script.matchAll(/need\+=\(([^)]+)\)/g)].flatMap((m) => m[1].split(/\s+/)))
    const named = packagesTheTestsName()
    // Sanity: the reader finds what the system tests name.
    expect([...named.keys()]).toEqual(
      expect.arrayContaining(['nginx', 'squid', 'apache2-utils', 'gnome-keyring', 'fusefat'])
    )
    const missing = [...named].filter(([pkg]) => !installed.has(pkg)).map(([pkg, file]) => `${pkg} (${file})`)
    expect(missing).toEqual([])
  })
})
