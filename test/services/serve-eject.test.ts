/**
 * Serving and Eject from the app never leave a MAAS region reading a stick that is gone:
 * - Eject of a drive being served (its mount point or a folder on it) is refused, naming the URL, until serving
 *   stops; a drive not served ejects as before.
 * - A served folder that is replaced or removed stops the server by itself: the status says serving stopped and
 *   why (naming the folder), every window hears `servingStopped`, and the next start clears the reason.
 */
import { notServing } from '@shared/serving-status'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EventMap } from '@shared/ipc-contract'
import type { Drive } from '@shared/types'
import { AppEvents } from '../../src/main/services/events'
import { StagingGateway } from '../../src/main/services/staging-gateway'
import { folderServing } from '../support/folder-serving'
import { useHostServices } from '../support/host-services'

const host = useHostServices('maas-images-serve-eject-')

function gateways(rootCheckMs = 3_600_000) {
  const { events, serving } = folderServing(host, rootCheckMs)
  const drive: Drive = {
    device: '/dev/sdz1',
    label: 'MAASIMAGES',
    fs_type: 'exfat',
    mount: host.stick,
    size: 8e9,
    free: 7e9,
    removable: true,
    model: 'Flash',
    system: false
  }
  const ejected: string[] = []
  const staging = new StagingGateway(
    {
      dataDir: join(host.dir, 'data'),
      version: '0',
      events,
      getSource: async () => {
        throw new Error('not reached in this test')
      },
      mayStageTo: () => false,
      servedFrom: (mount) => serving.servedFrom(mount)
    },
    async () => [drive],
    async (d) => void ejected.push(d.mount)
  )
  return { events, serving, staging, ejected }
}

const stoppedEvent = (events: AppEvents) =>
  new Promise<EventMap['servingStopped']>((resolve) => {
    const off = events.on('servingStopped', (s) => {
      off()
      resolve(s)
    })
  })

describe('Eject of a drive being served', () => {
  it('is refused, naming the URL, until serving stops; then the drive ejects', async () => {
    const { serving, staging, ejected } = gateways()
    await staging.drives()
    const { url } = await serving.start({ dir: host.stick, port: 0 })
    await expect(staging.ejectDrive(host.stick)).rejects.toMatchObject({
      code: 'busy',
      message:
        `${host.stick} is being served to MAAS at ${url}: stop serving before you eject the drive, ` +
        'or a MAAS region syncing from it would fail.'
    })
    expect(ejected).toEqual([])
    expect(serving.status().serving).toBe(true)

    await serving.stop()
    expect((await staging.ejectDrive(host.stick)).ejected).toBe(true)
    expect(ejected).toEqual([host.stick])
  })

  it('counts a served folder on the drive, not one beside it', async () => {
    const { serving, staging, ejected } = gateways()
    await staging.drives()
    await mkdir(join(host.stick, 'mirror'))
    await serving.start({ dir: join(host.stick, 'mirror'), port: 0 })
    await expect(staging.ejectDrive(host.stick)).rejects.toMatchObject({ code: 'busy' })
    // A folder whose name only starts with the mount point's is another folder.
    await mkdir(`${host.stick}-other`)
    await serving.start({ dir: `${host.stick}-other`, port: 0 })
    expect(serving.servedFrom(host.stick)).toBeNull()
    await staging.ejectDrive(host.stick)
    expect(ejected).toEqual([host.stick])
    await serving.stop()
  })
})

describe('a served folder that is replaced', () => {
  it('stops serving, says why in the status and the event, and a new start clears it', async () => {
    const { events, serving } = gateways(20)
    await writeFile(join(host.stick, 'a.img'), 'on the stick')
    await serving.start({ dir: host.stick, port: 0 })
    expect(serving.status()).toMatchObject({ serving: true, dir: host.stick, stopped_reason: null })

    const stopped = stoppedEvent(events)
    await rename(host.stick, `${host.stick}-ejected`)
    await mkdir(host.stick)
    const reason = `${host.stick} is no longer the folder serving started with: it was replaced by another folder`
    expect(await stopped).toEqual(notServing(reason))
    expect(serving.status().stopped_reason).toBe(reason)

    expect((await serving.start({ dir: host.stick, port: 0 })).stopped_reason).toBeNull()
    expect((await serving.stop()).stopped_reason).toBeNull()
  })
})
