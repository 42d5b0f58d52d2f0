/**
 * Staging writes where it is told, as this process (often with sudo). In the app the renderer may name only a
 * folder the user picked in main's dialog or a drive main listed, as serving a directory already requires; a
 * renderer (or a page that took it over) cannot have main write streams/ and image folders anywhere. The CLI's
 * user typed the path and keeps it.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Drive } from '@shared/types'
import type { MainServices } from '../../src/main/services'
import { AppEvents } from '../../src/main/services/events'
import { StagingGateway } from '../../src/main/services/staging-gateway'
import { useHostServices } from '../support/host-services'

const host = useHostServices('maas-images-stage-req-')

/** Starts a staging and waits for it to end (it fails: nothing was imported; only the gate matters here). */
async function startAndFinish(main: MainServices, at: string): Promise<{ started: boolean }> {
  const ended = new Promise<void>((resolve) => {
    const off = main.events.on('stagingFinished', () => {
      off()
      resolve()
    })
  })
  const r = await main.request('startStaging', { boot_source_id: 1, target: at })
  if (r.started) await ended
  return r
}

const refused = (at: string) => ({
  code: 'invalid_argument',
  message: `choose where to stage with the folder picker or from the list of drives: ${at}`
})

describe('staging targets', () => {
  it('in the app, startStaging and runStaging refuse a path the renderer typed', async () => {
    const main = await host.open('app')
    await expect(
      main.request('startStaging', { boot_source_id: 1, target: host.stick })
    ).rejects.toMatchObject(refused(host.stick))
    await expect(main.request('runStaging', { boot_source_id: 1, target: host.stick })).rejects.toMatchObject(
      refused(host.stick)
    )
    expect((await main.request('getStagingStatus', undefined)).staging).toBe(false)
  })

  it('in the app, stages into the folder the user picked in main’s dialog, and only that one', async () => {
    const main = await host.open('app', [host.stick])
    expect(await main.request('pickDirectory', undefined)).toEqual({ path: host.stick })
    expect(await startAndFinish(main, host.stick)).toMatchObject({ started: true })
    const beside = join(host.stick, '..', 'other')
    await expect(main.request('startStaging', { boot_source_id: 1, target: beside })).rejects.toMatchObject(
      refused(beside)
    )
  })

  it('from the CLI, stages to the path its user typed', async () => {
    const main = await host.open('cli')
    expect(await startAndFinish(main, host.stick)).toMatchObject({ started: true })
  })

  it('a mount point main listed as a drive may be named by the renderer; another may not', async () => {
    const drive: Drive = {
      device: '/dev/sdz1',
      label: 'STICK',
      fs_type: 'vfat',
      mount: host.stick,
      size: 8e9,
      free: 8e9,
      removable: true,
      model: 'test',
      system: false
    }
    const gw = new StagingGateway(
      {
        dataDir: join(host.dir, 'gw'),
        version: '0',
        events: new AppEvents(),
        getSource: async () => {
          throw new Error('not reached in this test')
        },
        mayStageTo: () => false
      },
      async () => [drive]
    )
    await expect(gw.start(1, host.stick)).rejects.toMatchObject(refused(host.stick))
    expect(await gw.drives()).toEqual([drive])
    // Past the gate: the source is looked up next.
    await expect(gw.start(1, host.stick)).rejects.toThrow('not reached in this test')
    await expect(gw.start(1, '/')).rejects.toMatchObject(refused('/'))
  })
})
