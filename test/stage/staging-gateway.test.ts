import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EventMap } from '@shared/ipc-contract'
import { AppEvents } from '../../src/main/services/events'
import { StagingGateway } from '../../src/main/services/staging-gateway'
import { cli } from '../cli/cli-helpers'
import { BlobCache } from '../../src/main/library'
import { bootSourceOf } from '../import/engine-fixture'
import { useImportedDataDir } from './imported-data-dir'

const imported = useImportedDataDir()
/** A target folder of that name under the test's own folder. */
const at = (name: string): string => join(imported().tmp, name)

function gateway(events: AppEvents, now?: () => number): StagingGateway {
  return new StagingGateway({
    dataDir: imported().dataDir,
    version: 'test',
    events,
    now,
    // The CLI's rule: any path.
    mayStageTo: () => true,
    getSource: async (id) => bootSourceOf(imported().env, id)
  })
}

const finished = (events: AppEvents) =>
  new Promise<EventMap['stagingFinished']>((resolve) => {
    const off = events.on('stagingFinished', (f) => {
      off()
      resolve(f)
    })
  })

describe('staging from the app', () => {
  it('plans needed against free, stops on Stop, refuses a second start, and resumes', async () => {
    const events = new AppEvents()
    const gw = gateway(events)
    const target = at('stick')
    const plan = await gw.plan(1, target)
    expect(plan.images.map((i) => `${i.name} ${i.architecture}`)).toContain('ubuntu/noble amd64/ga-24.04')
    expect(plan.needed).toBeGreaterThan(0)
    expect(plan.free).toBeGreaterThan(plan.needed)

    const stopped = finished(events)
    expect(await gw.start(1, target)).toMatchObject({ started: true })
    expect(await gw.start(1, target)).toMatchObject({
      started: false,
      message: expect.stringMatching(/already running/)
    })
    expect(gw.stop()).toMatchObject({ stopping: true })
    const f = await stopped
    expect(f).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(gw.getStatus()).toMatchObject({ staging: false, last_error: { code: 'cancelled' } })

    const progress: EventMap['stagingProgress'][] = []
    events.on('stagingProgress', (p) => progress.push(p))
    const done = finished(events)
    expect(await gw.start(1, target)).toMatchObject({ started: true })
    const ok = await done
    expect(ok.ok).toBe(true)
    expect(ok.result!.files).toBe(plan.files)
    expect(progress.at(-1)).toMatchObject({ phase: 'done', files_done: plan.files })
    expect(await readdir(target)).toContain('README.txt')
    expect(gw.stop()).toMatchObject({ stopping: false })
  })

  it('sends each phase change at once, however fast: the first copying event carries the byte total', async () => {
    const events = new AppEvents()
    // A clock that never moves: every copying event after the first falls inside the throttle.
    const gw = gateway(events, () => 1_000_000)
    const progress: EventMap['stagingProgress'][] = []
    events.on('stagingProgress', (p) => progress.push(p))
    const done = finished(events)
    expect(await gw.start(1, at('phases'))).toMatchObject({ started: true })
    expect((await done).ok).toBe(true)
    expect(progress.map((p) => p.phase)).toEqual(['checking', 'copying', 'done'])
    expect(progress[1].bytes_total).toBeGreaterThan(0)
  })

  it('runs in the foreground for the CLI (runStaging): a filter, the result, busy while another runs, Ctrl-C', async () => {
    const events = new AppEvents()
    const gw = gateway(events)
    const finishedEvent = finished(events)
    const other = await gw.run(1, at('filtered'), { release: 'jammy' }, new AbortController().signal)
    expect(other.images.map((i) => i.name)).not.toContain('ubuntu/noble')
    expect(await finishedEvent).toMatchObject({ ok: true, result: { files: other.files } })

    const target = at('foreground')
    const result = await gw.run(1, target, { release: 'noble' }, new AbortController().signal)
    expect(result.images.map((i) => i.name)).toContain('ubuntu/noble')
    expect(await readdir(target)).toContain('README.txt')

    const ctrlC = new AbortController()
    const background = finished(events)
    expect(await gw.start(1, at('other'))).toMatchObject({ started: true })
    await expect(gw.run(1, at('third'), undefined, ctrlC.signal)).rejects.toMatchObject({
      code: 'busy'
    })
    gw.stop()
    await background
    ctrlC.abort()
    await expect(gw.run(1, at('aborted'), undefined, ctrlC.signal)).rejects.toMatchObject({
      code: 'cancelled'
    })
    expect(gw.getStatus()).toMatchObject({ staging: false, last_error: { code: 'cancelled' } })
  })

  it('a boot-resource delete during staging leaves the staged blobs until staging ends', async () => {
    const { dataDir } = imported()
    const cache = new BlobCache(dataDir)
    const before = await cache.list()
    const pin = await cache.pin(before)
    const resources = JSON.parse((await cli(dataDir, 'boot-resources', 'read')).stdout) as Array<{
      id: number
    }>
    for (const r of resources)
      expect((await cli(dataDir, 'boot-resource', 'delete', String(r.id))).code).toBe(0)
    expect((await cache.list()).sort()).toEqual(before.sort())
    await pin.release()
    // The next clean-up (a sync's) removes what nothing references or pins any more.
    expect((await cache.gc(new Set())).sort()).toEqual(before.sort())
  })
})
