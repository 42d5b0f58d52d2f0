/**
 * Staging: after a sync, the admin opens Staging, points it at a directory (a stick's mount point),
 * sees what is needed against what is free, stages with progress and Stop, verifies the stick and
 * serves it on a port they chose. Each state is audited with axe and photographed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expectNoAxeViolations } from './support/axe'
import { expect, runCli, screenshot, test } from './support/stream-fixtures'

test.use({
  streamOptions: {
    scale: 0.002,
    releases: ['noble'],
    arches: ['amd64'],
    versionsPerProduct: 1,
    centos: false
  },
  sourceOnMirror: true
})

/** A loopback port nobody listens on now (other specs and engineers share this machine). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/**
 * Browser mode: the bridge is a WebSocket, so the spec can hold back main's staging events after the
 * first copying progress (the one with the byte total). The screen then stays on a real mid-staging frame (progress and Stop) long
 * enough to audit and photograph it, however fast staging is; `release` delivers the rest in order.
 */
async function holdStagingEvents(page: Page): Promise<{ held: Promise<void>; release(): void }> {
  const queue: Array<() => void> = []
  let holding = false
  let release: () => void = () => undefined
  let heldResolve: () => void = () => undefined
  const held = new Promise<void>((r) => (heldResolve = r))
  await page.routeWebSocket(/\/bridge/, (ws) => {
    const server = ws.connectToServer()
    ws.onMessage((m) => server.send(m))
    server.onMessage((m) => {
      const text = typeof m === 'string' ? m : m.toString('utf8')
      const msg = JSON.parse(text) as { event?: string; payload?: { phase?: string } }
      const staging = msg.event === 'stagingProgress' || msg.event === 'stagingFinished'
      if (holding && staging) {
        queue.push(() => ws.send(m))
        return
      }
      ws.send(m)
      if (msg.event === 'stagingProgress' && msg.payload?.phase === 'copying') {
        holding = true
        heldResolve()
      }
    })
    release = () => {
      holding = false
      for (const send of queue.splice(0)) send()
    }
  })
  // The route applies to sockets opened from now on: reconnect the page's bridge through it.
  await page.reload()
  return { held, release: () => release() }
}

test('stages the synced images onto a directory, shows the figures, verifies the stick and serves it', async ({
  page,
  dataDir,
  stream,
  mode
}) => {
  const imported = await runCli(dataDir, 'boot-resources', 'import', '--wait')
  expect(imported.code, imported.stderr).toBe(0)
  const stick = await mkdtemp(join(tmpdir(), 'maas-e2e-stick-'))
  try {
    const hold = mode === 'browser' ? await holdStagingEvents(page) : null
    await page.getByRole('navigation').getByRole('link', { name: 'Staging', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Stage to a USB stick or disk' })).toBeVisible()
    await expect(page.getByTestId('drives')).toBeVisible()
    await expectNoAxeViolations(page, 'Staging: nothing chosen yet')

    // Outside the desktop app there is no native dialog: the refusal is shown, typing still works.
    if (mode === 'browser') {
      await page.getByTestId('staging-choose-folder').click()
      await expect(page.getByTestId('staging-pick-error')).toHaveText(
        'file and folder pickers exist only in the desktop app'
      )
    }
    await page.getByTestId('staging-target').fill(stick)
    await page.getByTestId('staging-check').click()
    await expect(page.getByTestId('staging-plan')).toContainText('ubuntu/noble amd64/ga-24.04')
    await expect(page.getByTestId('staging-needed')).toHaveText(/^[\d.]+ (kB|MB|KiB|MiB|B)$/)
    await expect(page.getByTestId('staging-free')).toContainText('free')
    await expect(page.getByTestId('staging-space-meter')).toBeVisible()
    await expectNoAxeViolations(page, 'Staging: what it needs against what is free')
    await screenshot(page, 'staging-plan', page.getByTestId('staging-start'))

    await page.getByTestId('staging-start').click()
    if (hold) {
      await hold.held
      await expect(page.getByTestId('staging-stop')).toBeVisible()
      await expect(page.getByTestId('staging-figures')).toContainText(
        /Files \d+\/\d+, [\d.]+ (B|KB|MB) of [\d.]+ (KB|MB)/
      )
      await expectNoAxeViolations(page, 'Staging: in progress, with Stop')
      await screenshot(page, 'staging-progress', page.getByTestId('staging-progress'))
      hold.release()
    }
    await expect(page.getByTestId('staging-result')).toContainText('Every file was read back from the drive and verified', {
      timeout: 30_000
    })
    await expect(page.getByTestId('staging-progress')).toHaveCount(0)
    await expect(page.getByTestId('staging-figures')).toContainText(
      /^\s*\d+ copied \([\d.]+ (KB|MB)\), 0 already there, in [\d.]+ s\.\s*$/
    )
    // The signed index on the stick is the upstream file, byte for byte.
    const rel = 'streams/v1/index.sjson'
    expect((await readFile(join(stick, rel))).equals(await readFile(join(stream.dir, rel)))).toBe(true)

    await page.getByTestId('verify-stick').click()
    await expect(page.getByTestId('verify-result')).toContainText('The stick is good', { timeout: 30_000 })
    await expect(page.getByTestId('verify-result')).toContainText('0 corrupt')

    // Serve to MAAS on the port the admin typed: loopback unless they tick the network box.
    const port = await freePort()
    await expect(page.getByTestId('serve-port')).toHaveValue('8780')
    await page.getByTestId('serve-port').fill(String(port))
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-url')).toHaveText(`http://127.0.0.1:${port}/`)
    await expect(page.getByTestId('serve-status')).toContainText('Only this machine can reach it')
    const url = (await page.getByTestId('serve-url').textContent())!
    const res = await page.request.get(url + rel)
    expect(res.status()).toBe(200)
    expect((await res.body()).equals(await readFile(join(stream.dir, rel)))).toBe(true)
    await expectNoAxeViolations(page, 'Staging: staged, verified and serving')
    await screenshot(page, 'staging', page.getByTestId('serving'))
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-toggle')).toHaveText('Start serving')
    await expect(page.getByTestId('serve-status')).toHaveCount(0)
  } finally {
    await rm(stick, { recursive: true, force: true })
  }
})
