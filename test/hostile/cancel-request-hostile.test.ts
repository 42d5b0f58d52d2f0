/**
 * cancelRequest against real handlers and a mirror that trickles, and hangs as the cancel comes: a catalogue
 * refresh and a Connect stop promptly with code `cancelled`, and a cancelled Connect saves nothing. A request
 * that does not hear the cancel waits for the stall timeout, and then fails as stalled.
 */
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMainServices, type MainServices } from '../../src/main/services'
import { DEFAULT_STALL_TIMEOUT_MS } from '../../src/main/net/limits'
import { handleRequest, InFlightRequests } from '../../src/main/services/handle-request'
import { hostileMirror, type HostileMirror } from './hostile-mirror'

let m: HostileMirror | undefined
let data: string | undefined
let main: MainServices | undefined
afterEach(async () => {
  await main?.dispose()
  await m?.cleanup()
  if (data) await rm(data, { recursive: true, force: true })
  m = data = main = undefined
})

/** Under this, a cancelled request did not wait for the hung mirror's stall timeout. */
const PROMPT_MS = DEFAULT_STALL_TIMEOUT_MS / 2

async function until(test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!test()) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function setUp(): Promise<{ m: HostileMirror; main: MainServices }> {
  m = await hostileMirror()
  data = await mkdtemp(join(tmpdir(), 'maas-cancel-data-'))
  main = await createMainServices({ dataDir: data, version: '9.9.9', host: 'test-bridge' })
  await main.services.updateSettings({ proxy: { http_proxy: '', https_proxy: '', no_proxy: '*' } })
  return { m, main }
}

const streamRequests = (mirror: HostileMirror): number =>
  [...mirror.server.stats.byPath.entries()]
    .filter(([p]) => p.startsWith('/streams/'))
    .reduce((n, [, s]) => n + s.requests, 0)

describe('cancelRequest', () => {
  it('stops a catalogue refresh of a trickling mirror promptly, with code cancelled', async () => {
    const { m, main } = await setUp()
    const source = await main.services.createBootSource({
      url: m.server.url,
      keyring_filename: m.stream.keyringPath
    })
    // The mirror publishes again after Connect (whose documents the source now has cached): the refresh must
    // fetch the new documents, not revalidate them with 304s.
    const later = new Date(Date.now() + 60_000)
    const metadata = join(m.stream.dir, 'streams/v1')
    for (const name of await readdir(metadata)) await utimes(join(metadata, name), later, later)
    // 64 bytes/s: the signed index alone would take tens of seconds.
    m.server.options.rateBytesPerSec = 64
    const before = streamRequests(m)
    const inFlight = new InFlightRequests()
    const pending = handleRequest(main.services, 'getCatalogue', { boot_source_id: source.id, refresh: true }, {
      requestId: 'refresh',
      inFlight
    })
    await until(() => streamRequests(m) > before, 20_000)
    m.server.options.hang = true
    const cancelledAt = Date.now()
    expect(await handleRequest(main.services, 'cancelRequest', { id: 'refresh' }, { inFlight })).toEqual({
      ok: true,
      value: { cancelled: true }
    })
    expect(await pending).toEqual({ ok: false, error: { code: 'cancelled', message: 'getCatalogue cancelled' } })
    expect(Date.now() - cancelledAt).toBeLessThan(PROMPT_MS)
  }, 60_000)

  it('a cancelled Connect (createBootSource) ends promptly and saves no source', async () => {
    const { m, main } = await setUp()
    const existing = await main.services.listBootSources(undefined)
    m.server.options.rateBytesPerSec = 64
    const ctrlC = new AbortController()
    const pending = main.request(
      'createBootSource',
      { url: m.server.url, keyring_filename: m.stream.keyringPath },
      { signal: ctrlC.signal }
    )
    await until(() => streamRequests(m) > 0, 20_000)
    m.server.options.hang = true
    const cancelledAt = Date.now()
    ctrlC.abort()
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' })
    expect(Date.now() - cancelledAt).toBeLessThan(PROMPT_MS)
    // Let the trickle finish its current chunk: nothing may be saved afterwards either.
    await new Promise((r) => setTimeout(r, 300))
    expect(await main.services.listBootSources(undefined)).toEqual(existing)
    // Nor any metadata: what Connect verified is written only for a source that was saved.
    const cached = await readdir(join(data!, 'metadata')).catch(() => [])
    expect(cached).toEqual([])
  }, 60_000)
})
