/**
 * A stick whose maas-images-stage.json is a FIFO or a link to /dev/zero: `serve dir=` refuses to start and
 * `verify --deep` reports it, each naming the file, promptly and without reading it (before: serve and verify
 * hung on the FIFO, and /dev/zero grew to 614 MB in 15 s). End to end through the CLI.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAGE_MANIFEST_FILE } from '../../src/main/staged-tree/stage-manifest'
import { cli } from '../main/cli-helpers'
import { serveCli } from '../support/serve-cli'
import { generateStream, type GeneratedStream } from '../support/stream-generator'

let tmp: string
let dataDir: string
let gen: GeneratedStream
let manifest: string

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'maas-images-hostile-manifest-'))
  dataDir = join(tmp, 'data')
  gen = await generateStream({
    dir: join(tmp, 'stick'),
    releases: ['noble'],
    arches: ['amd64'],
    centos: false
  })
  manifest = join(gen.dir, STAGE_MANIFEST_FILE)
})

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
  await rm(gen.keyringPath, { force: true })
})

const hostile: Array<[string, () => Promise<void>, string]> = [
  [
    'a FIFO',
    async () => void execFileSync('mkfifo', [manifest]),
    'is a FIFO, expected a regular file: refused'
  ],
  [
    'a link to /dev/zero',
    async () => symlink('/dev/zero', manifest),
    'is a link that leads outside the mirror root'
  ]
]

describe.each(hostile)('a stick whose manifest is %s', (_what, plant, cause) => {
  beforeAll(async () => {
    await rm(manifest, { force: true })
    await plant()
  })

  it('is refused by serve dir=, naming the file', async () => {
    const r = await serveCli(dataDir, `dir=${gen.dir}`)
    expect('code' in r, 'serve started instead of refusing').toBe(true)
    const refused = r as { code: number; stderr: string }
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain(`${manifest} ${cause}`)
  })

  it('is reported by verify --deep, naming the file, with the items still checked', async () => {
    const before = process.memoryUsage().rss
    const r = await cli(dataDir, 'verify', gen.dir, `keyring_filename=${gen.keyringPath}`, '--deep')
    expect(process.memoryUsage().rss - before).toBeLessThan(128 * 1024 * 1024)
    expect(r.code).toBe(1)
    const report = r.json() as { problems: string[]; corrupt: number; items: unknown[] }
    expect(report.problems).toEqual([expect.stringMatching(/^\S+ /)])
    expect(report.problems[0].startsWith(`${manifest} ${cause}`), report.problems[0]).toBe(true)
    expect(report.corrupt).toBe(0)
    expect(report.items.length).toBeGreaterThan(0)
  })
})
