/**
 * A stick that stops answering (test/support/lying-fs.py --hang-when: reads of the files named never return,
 * with no error, and the daemon answers nothing else meanwhile) during staging's read-back and during
 * `verify --deep`: after the stall time limit (short here, an option of both) the staging fails, and the verify
 * stops and reports, naming the file and the cause. (A Cancel during a hung read-back: test/net/medium-hang.test.ts.)
 * Needs root, /dev/fuse and python3-fusepy: their absence fails, loudly. A stick left hung is unmounted by
 * killing its daemon (mountLying's unmount), even when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { cp, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../cli/cli-helpers'
import { bootSourceOf, streamEnv, type StreamEnv } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'
import { mountLying, requireLyingFsTools } from '../support/fuse-mounts'
import { importAll, useSource } from './imported-data-dir'
import { planStaging } from '../../src/main/stage/plan-staging'
import { stage } from '../../src/main/stage/stager'
import { verifyMirror } from '../../src/main/streams/verify-mirror'

let env: StreamEnv
let tmp: string
let dataDir: string
let good: string
/** the staged item every test hangs on: the largest, so it is read in more than one block */
let item: string
let stick: Awaited<ReturnType<typeof mountLying>> | undefined
let sticks = 0

beforeAll(async () => {
  requireLyingFsTools()
  env = await streamEnv(0.002, ['noble'])
  tmp = await tempDir('hung-stick-')
  dataDir = join(tmp, 'data')
  await useSource(env, dataDir, env.server.url)
  await importAll(dataDir)
  good = join(tmp, 'good')
  const staged = await cli(dataDir, 'stage', good)
  expect(staged.code, staged.stderr).toBe(0)
  const manifest = JSON.parse(await readFile(join(good, 'maas-images-stage.json'), 'utf8')) as {
    items: Array<{ path: string; size: number }>
  }
  item = manifest.items.reduce((a, b) => (b.size > a.size ? b : a)).path
}, 120_000)

/** A program of someone else's reading the stick when it hung: it holds the daemon, and goes with the stick. */
let reader: ChildProcess | undefined

afterEach(async () => {
  reader?.kill('SIGKILL')
  reader = undefined
  await stick?.unmount().catch((e: unknown) => console.error(`unmount ${stick?.point}: ${String(e)}`))
  stick = undefined
})

afterAll(async () => {
  await env?.close().catch(() => undefined)
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

/** A fresh stick that stores what it is given truthfully (every file is written under a temp name first). */
async function freshStick(): Promise<NonNullable<typeof stick>> {
  stick = await mountLying(tmp, { name: `hung-${++sticks}`, spared: ['.maas-images-tmp', '.json', '.sjson'] })
  return stick
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const stalled = (ms: number): string =>
  `: the stick or disk stopped answering (no reply in ${ms} ms): it may be failing or was pulled out`

describe('a stick that stops answering', () => {
  it('fails staging at the hung read-back, naming the file and the cause', async () => {
    const s = await freshStick()
    await s.hang([item])
    const err = await stage({
      dataDir,
      source: bootSourceOf(env),
      target: s.point,
      mediumTimeoutMs: 300
    }).catch((e: unknown) => e)
    await s.hung()
    // The first call the stick left without a reply names its file: the hung read-back, or a call another file's
    // copy made while the daemon waited on it.
    expect(err).toMatchObject({
      code: 'io',
      message: expect.stringMatching(new RegExp(`^${escaped(s.point)}/\\S+${escaped(stalled(300))}$`))
    })
  })

  it('stops verify --deep at the hung file, reporting it and that the report is incomplete', async () => {
    const s = await freshStick()
    // Straight into the backing folder: nothing of it is in the page cache.
    await cp(good, s.backing, { recursive: true })
    await s.hang([item])
    const report = await verifyMirror(
      s.point,
      { keyring_filename: env.gen.keyringPath },
      { deep: true, mediumTimeoutMs: 300 }
    )
    await s.hung()
    expect(report.ok).toBe(false)
    expect(report.files.length).toBeGreaterThan(0)
    expect(report.files.every((f) => f.ok)).toBe(true)
    // As for staging: the file named is the first one the stick left without a reply.
    expect(report.problems).toContainEqual(
      expect.stringMatching(new RegExp(`^${escaped(s.point)}/\\S+${escaped(stalled(300))}$`))
    )
    expect(report.problems).toContain(
      `verify of ${s.point} stopped: the drive stopped answering, and the report is incomplete`
    )
  })

  it('fails a staging and its plan before anything is written when the stick has already stopped answering', async () => {
    const s = await freshStick()
    await cp(good, s.backing, { recursive: true })
    await s.hang([item])
    // Someone else's read of the stick hangs first, as when a file manager was looking at it: the daemon then
    // answers nothing, the first look at the target included.
    reader = spawn('cat', [join(s.point, item)], { stdio: 'ignore' })
    await s.hung()
    const said = new RegExp(`^${escaped(s.point)}\\S*${escaped(stalled(300))}$`)
    const planned = await planStaging(dataDir, bootSourceOf(env), s.point, undefined, undefined, 300).catch(
      (e: unknown) => e
    )
    expect(planned).toMatchObject({ code: 'io', message: expect.stringMatching(said) })
    const err = await stage({
      dataDir,
      source: bootSourceOf(env),
      target: join(s.point, 'again'),
      mediumTimeoutMs: 300
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'io', message: expect.stringMatching(said) })
  })
})
