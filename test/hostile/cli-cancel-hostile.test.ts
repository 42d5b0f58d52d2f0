/**
 * Ctrl-C must stop `maas-images verify --deep` against a mirror that trickles its items: the SIGINT handler's
 * abort signal reaches every request. The mirror hangs as the interrupt comes: a verify without the signal
 * would wait for the stall timeout on every item.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_STALL_TIMEOUT_MS } from '../../src/main/net/limits'
import { createMainServices } from '../../src/main/services'
import { spawnCli, useTestTemp } from './hostile-mirror'

const temp = useTestTemp()

/** Under this, a cancelled verify did not wait for the hung mirror's stall timeout. */
const PROMPT_MS = DEFAULT_STALL_TIMEOUT_MS / 2

async function until(test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!test()) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('CLI cancellation', () => {
  it('SIGINT stops verify --deep of a trickling mirror promptly, with a cancelled report', async () => {
    const m = await temp.mirror()
    // 4 KiB/s: the metadata arrives in a few seconds, each item would take tens of seconds.
    m.server.options.rateBytesPerSec = 4096
    const data = await temp.dataDir()
    const run = spawnCli(data, ['verify', m.server.url, '--deep', `keyring_filename=${m.stream.keyringPath}`])
    const itemRequested = (): boolean =>
      [...m.server.stats.byPath.keys()].some((p) => !p.startsWith('/streams/'))
    await until(itemRequested, 60_000)
    m.server.options.hang = true
    const interruptedAt = Date.now()
    run.child.kill('SIGINT')
    const r = await run.done
    expect(Date.now() - interruptedAt).toBeLessThan(PROMPT_MS)
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { ok: boolean; problems: string[] }
    expect(report.ok).toBe(false)
    expect(report.problems).toContain(`verify of ${m.server.url} cancelled: the report is incomplete`)
  }, 90_000)

  it('cancelRequest stops a verify in flight sent with a request id (the app has no Ctrl-C)', async () => {
    const m = await temp.mirror()
    m.server.options.rateBytesPerSec = 4096
    const data = await temp.dataDir()
    const main = await createMainServices({
      dataDir: data,
      version: '9.9.9',
      host: 'test-bridge'
    })
    try {
      await main.services.updateSettings({ proxy: { http_proxy: '', https_proxy: '', no_proxy: '*' } })
      const pending = main.request(
        'verifyMirror',
        { location: m.server.url, keyring_filename: m.stream.keyringPath, deep: true },
        { requestId: 'verify-1' }
      )
      await until(() => [...m.server.stats.byPath.keys()].some((p) => !p.startsWith('/streams/')), 60_000)
      m.server.options.hang = true
      const cancelledAt = Date.now()
      expect(await main.request('cancelRequest', { id: 'verify-1' })).toEqual({ cancelled: true })
      const report = await pending
      expect(Date.now() - cancelledAt).toBeLessThan(PROMPT_MS)
      expect(report.ok).toBe(false)
      expect(report.problems).toContain(`verify of ${m.server.url} cancelled: the report is incomplete`)
      expect(await main.request('cancelRequest', { id: 'verify-1' })).toEqual({ cancelled: false })
    } finally {
      await main.dispose()
    }
  }, 90_000)
})
