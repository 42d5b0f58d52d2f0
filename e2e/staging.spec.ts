/**
 * Staging: after a sync, the admin opens Staging, points it at a directory (a stick's mount point),
 * sees what is needed against what is free, stages with progress, and verifies the stick.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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

test('stages the synced images onto a directory, shows the figures, verifies the stick and serves it', async ({
  page,
  dataDir,
  stream
}) => {
  const imported = await runCli(dataDir, 'boot-resources', 'import')
  expect(imported.code, imported.stderr).toBe(0)
  const stick = await mkdtemp(join(tmpdir(), 'maas-e2e-stick-'))
  try {
    await page.getByRole('navigation').getByRole('link', { name: 'Staging', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Stage to a USB stick or disk' })).toBeVisible()
    await expect(page.getByTestId('drives')).toBeVisible()

    await page.getByTestId('staging-target').fill(stick)
    await page.getByTestId('staging-check').click()
    await expect(page.getByTestId('staging-plan')).toContainText('ubuntu/noble amd64/ga-24.04')
    await expect(page.getByTestId('staging-needed')).toHaveText(/^[\d.]+ (kB|MB|KiB|MiB|B)$/)
    await expect(page.getByTestId('staging-free')).toContainText('free')

    await page.getByTestId('staging-start').click()
    await expect(page.getByTestId('staging-result')).toContainText('Every file was read back and verified', {
      timeout: 30_000
    })
    await expect(page.getByTestId('staging-figures')).toContainText(/Files \d+\/\d+/)
    // The signed index on the stick is the upstream file, byte for byte.
    const rel = 'streams/v1/index.sjson'
    expect((await readFile(join(stick, rel))).equals(await readFile(join(stream.dir, rel)))).toBe(true)

    await page.getByTestId('verify-stick').click()
    await expect(page.getByTestId('verify-result')).toContainText('The stick is good', { timeout: 30_000 })
    await expect(page.getByTestId('verify-result')).toContainText('0 corrupt')

    // Serve to MAAS: loopback unless the admin ticks the network box; the URL serves the signed index.
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-url')).toHaveText(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    await expect(page.getByTestId('serve-status')).toContainText('Only this machine can reach it')
    const url = (await page.getByTestId('serve-url').textContent())!
    const res = await page.request.get(url + rel)
    expect(res.status()).toBe(200)
    expect((await res.body()).equals(await readFile(join(stream.dir, rel)))).toBe(true)
    await screenshot(page, 'staging', page.getByTestId('staging-result'))
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-toggle')).toHaveText('Start serving')
    await expect(page.getByTestId('serve-status')).toHaveCount(0)
  } finally {
    await rm(stick, { recursive: true, force: true })
  }
})
