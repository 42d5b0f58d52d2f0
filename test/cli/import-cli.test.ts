import { Writable } from 'node:stream'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { commands } from '../../src/main/cli/commands'
import { bootResourceCommands } from '../../src/main/cli/commands/boot-resources'
import { streamEnv, type StreamEnv } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'

let env: StreamEnv
let dd: string
const all = [...commands.filter((c) => !c.group.startsWith('boot-resource')), ...bootResourceCommands]

beforeAll(async () => {
  env = await streamEnv(0.005, ['noble'])
  dd = await tempDir('imp-cli-')
})
afterAll(async () => {
  await env.close()
  await rm(dd, { recursive: true, force: true })
})

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(chunk, _e, cb) {
        f(String(chunk))
        cb()
      }
    })
  const code = await runCli(
    ['--data-dir', dd, ...args],
    {
      stdout: sink((s) => (out += s)),
      stderr: sink((s) => (err += s)),
      isTTY: false,
      env: {},
      version: 'test'
    },
    all
  )
  return { code, out, err }
}

describe('boot-resources CLI', () => {
  it('imports in the foreground, lists, reads and deletes resources in MAAS shapes', async () => {
    const src = await cli(
      'boot-source',
      'update',
      '1',
      `url=${env.server.url}`,
      `keyring_filename=${env.gen.keyringPath}`
    )
    expect(src.err).toBe('')
    expect(src.code).toBe(0)

    const imp = await cli('boot-resources', 'import', '--wait')
    expect(imp.code).toBe(0)
    expect(imp.out).toMatch(/^Import of boot resources finished \([\d.]+ (KB|MB) downloaded in \d+s\)\n$/)
    // Not a terminal: plain progress lines, no carriage returns.
    expect(imp.err).toMatch(/\d+% .* of .*, .*\/s, ETA .*, files \d+\/\d+\n/)
    expect(imp.err).not.toContain('\r')

    const read = await cli('boot-resources', 'read')
    const list = JSON.parse(read.out) as Array<{
      id: number
      name: string
      architecture: string
      status: string
    }>
    expect(list.map((r) => `${r.name} ${r.architecture}`)).toContain('ubuntu/noble amd64/ga-24.04')
    expect(list.every((r) => r.status === 'Synced')).toBe(true)
    const ga = list.find((r) => r.architecture === 'amd64/ga-24.04')!

    const one = JSON.parse((await cli('boot-resource', 'read', String(ga.id))).out)
    expect(one).toMatchObject({ id: ga.id, type: 'Synced', name: 'ubuntu/noble', last_deployed: null })
    // MAAS gives a set's progress only while it is incomplete.
    expect(Object.values(one.sets)[0]).toMatchObject({ complete: true, label: 'stable' })
    expect(Object.values(one.sets)[0]).not.toHaveProperty('progress')

    expect((await cli('boot-resources', 'is-importing')).out).toBe('false\n')
    // MAAS prints the same words whether or not an import runs.
    expect((await cli('boot-resources', 'stop-import')).out).toBe(
      'Import of boot resources is being stopped\n'
    )

    const del = await cli('boot-resource', 'delete', String(ga.id))
    expect(del).toMatchObject({ code: 0, out: '' })
    // As MAAS: exit 2 and its text on stdout; the one-line message stays on stderr.
    const gone = await cli('boot-resource', 'read', String(ga.id))
    expect(gone.code).toBe(2)
    expect(gone.out).toBe('No BootResource matches the given query.\n')
    expect(gone.err).toBe(`maas-images: boot resource ${ga.id} does not exist\n`)
  })

  it('exits non-zero and names the URL when an item fails', async () => {
    const item = env.gen.items.find((i) => i.path.includes('/20250805/') && i.path.endsWith('boot-initrd'))!
    env.server.options.faults = { ['/' + item.path]: { status: 404 } }
    // A fresh version to fetch: delete what the first test imported.
    for (const r of JSON.parse((await cli('boot-resources', 'read')).out) as Array<{ id: number }>) {
      await cli('boot-resource', 'delete', String(r.id))
    }
    const imp = await cli('boot-resources', 'import', '--wait')
    expect(imp.code).toBe(1)
    expect(imp.out).toMatch(/^Import of boot resources finished with \d+ failure\(s\)/)
    expect(imp.err).toContain(`HTTP 404 Not Found fetching ${env.server.url}${item.path}`)
    env.server.options.faults = {}
  })
})
