/**
 * The app's Serve card over a stick whose medium stops answering (pulled without unmounting: reads fail with EIO;
 * a FUSE daemon died: stat fails with ENOTCONN): serving stops, the status keeps the reason naming the folder and
 * the cause, and every window hears `servingStopped`, so the admin learns MAAS can no longer sync from it.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventMap } from '@shared/ipc-contract'
import { notServing } from '@shared/serving-status'
import { AppEvents } from '../../src/main/services/events'
import { ServeGateway } from '../../src/main/services/serve-gateway'
import { failReads, systemError, type FailingReads } from '../support/failing-medium'
import { folderServing } from '../support/folder-serving'
import { useHostServices } from '../support/host-services'

const statFails = vi.hoisted(() => ({ path: null as string | null, code: '' }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const stat = ((path: string, opts?: object) =>
    path === statFails.path
      ? Promise.reject(systemError(statFails.code, 'stat', path))
      : fs.stat(path, opts)) as typeof fs.stat
  return { ...fs, stat }
})

const host = useHostServices('maas-images-serve-stick-fails-')
let failing: FailingReads | null = null
let serving: ServeGateway | null = null

afterEach(async () => {
  failing?.restore()
  failing = null
  statFails.path = null
  await serving?.stop()
  serving = null
})

function gateway(rootCheckMs: number): { events: AppEvents; serving: ServeGateway } {
  const made = folderServing(host, rootCheckMs)
  serving = made.serving
  return made
}

const stoppedEvent = (events: AppEvents) =>
  new Promise<EventMap['servingStopped']>((resolve) => {
    const off = events.on('servingStopped', (s) => {
      off()
      resolve(s)
    })
  })

const reason = (words: string): string =>
  `${host.stick}: the stick or disk stopped answering (${words}): it may have been pulled out; ` +
  'plug it in again and check it with Verify before serving it'

describe('a served stick whose medium stops answering', () => {
  it('stops on a read that fails with EIO: 503 to the request, the reason in the status and event', async () => {
    const { events, serving } = gateway(3_600_000)
    await writeFile(join(host.stick, 'a.img'), 'on the stick')
    const { url } = await serving.start({ dir: host.stick, port: 0 })
    const stopped = stoppedEvent(events)

    failing = await failReads('EIO')
    const res = await fetch(`${url}a.img`)
    expect(res.status).toBe(503)
    expect(await res.text()).not.toContain(host.stick)
    expect(await stopped).toEqual(notServing(reason('input/output error')))
    expect(serving.status()).toEqual(notServing(reason('input/output error')))
  })

  it('stops without any request when stat of the folder fails with ENOTCONN', async () => {
    const { events, serving } = gateway(20)
    await serving.start({ dir: host.stick, port: 0 })
    const stopped = stoppedEvent(events)
    statFails.code = 'ENOTCONN'
    statFails.path = host.stick
    expect(await stopped).toEqual(notServing(reason('its file system is no longer connected')))
  })
})
