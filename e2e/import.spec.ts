/**
 * Sync: the admin imports the selected images from a (rate-limited) loopback mirror, watches the
 * progress, and stops a slow import and resumes it later, as MAAS's Images page allows.
 */
import type { GeneratedStream } from '../test/support/stream-generator'
import type { TestServer } from '../test/support/test-server'
import { DEFAULT_STALL_TIMEOUT_MS } from '../src/main/net/limits'
import { cliJson, expect, runCli, test } from './support/stream-fixtures'
import { captureState } from './support/screenshots'

// Big enough (scale 0.01: ~6 MB for noble amd64) that a capped mirror takes seconds, small enough
// to generate in about a second. Source 1 points at the mirror and keeps the first-run selection.
test.use({
  streamOptions: {
    scale: 0.01,
    releases: ['noble'],
    arches: ['amd64'],
    versionsPerProduct: 1,
    centos: false
  },
  sourceOnMirror: true
})

interface Resource {
  id: number
  type: string
  name: string
  architecture: string
  status: string
}

const EXPECTED = [
  'grub-efi-signed/uefi amd64/generic',
  'grub-efi/uefi arm64/generic',
  'pxelinux/pxe amd64/generic',
  'ubuntu/noble amd64/ga-24.04',
  'ubuntu/noble amd64/hwe-24.04'
]

/** What the selection (noble amd64, every kernel) plus the bootloaders needs: each file once. */
function payloadBytes(stream: GeneratedStream): number {
  const sizes = new Map<string, number>()
  for (const it of stream.items) {
    const p = stream.products.find((x) => x.product_name === it.product)!
    const wanted =
      it.content_id === stream.contentIds.bootloader ||
      (p.fields.release === 'noble' && p.fields.arch === 'amd64')
    if (wanted && it.version === p.versions[p.versions.length - 1]) sizes.set(it.sha256, it.size)
  }
  return [...sizes.values()].reduce((a, b) => a + b, 0)
}

function payloadServed(mirror: TestServer): number {
  let n = 0
  for (const [path, s] of mirror.stats.byPath) if (!path.startsWith('/streams/')) n += s.bytes
  return n
}

async function expectAllSynced(page: import('@playwright/test').Page, dataDir: string): Promise<void> {
  // One row per release and architecture: noble amd64's two kernels share a row.
  const rows = page.getByTestId('resources-table').locator('[data-testid^="resource-row-"]')
  await expect(rows).toHaveCount(EXPECTED.length - 1)
  for (const row of await rows.all()) await expect(row).toContainText('Synced')
  const resources = await cliJson<Resource[]>(dataDir, 'boot-resources', 'read')
  expect(resources.map((r) => `${r.name} ${r.architecture}`).sort()).toEqual(EXPECTED)
  for (const r of resources) {
    expect(r.status, `${r.name} ${r.architecture}`).toBe('Synced')
    expect(r.type).toBe('Synced')
  }
}

test('Sync downloads the selection with live progress and the images reach Synced', async ({
  page,
  dataDir,
  mirror,
  stream
}) => {
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  // Selected (first run) but not synced: the table says so, as MAAS does.
  await expect(page.getByTestId('pending-row-ubuntu-noble-amd64')).toContainText('Selected for download')
  const total = payloadBytes(stream)
  // Per connection; files under 8 MiB are not split, so the ~4 MB squashfs sets the pace: ~4 s.
  mirror.options.rateBytesPerSec = 1_000_000

  await page.getByTestId('sync-button').click()
  await expect(page.getByTestId('stop-import-button')).toBeVisible()
  const progress = page.getByTestId('import-progress')
  await expect(page.getByTestId('import-phase')).toHaveText('Downloading')
  await expect(page.getByTestId('import-bytes')).toContainText(`of ${(total / 1e6).toFixed(1)} MB`)
  await expect(page.getByTestId('import-rate')).toHaveText(/^(?!0\.0 )\d+(\.\d)? [kM]B\/s$/)
  await expect(page.getByTestId('import-eta')).toHaveText(/^\d+ s$/)
  await expect(page.getByTestId('import-files')).toHaveText(/^\d+ of \d+$/)
  await expect(progress.getByRole('progressbar', { name: 'Overall import progress' })).toBeVisible()
  // While downloading, Version and Last synced hold only dashes: every column head must still show its
  // words whole (Vanilla clips them with an ellipsis: "Last syn…") and the table stay inside its card.
  const table = page.getByTestId('resources-table')
  const clipped = await table
    .locator('thead th, thead th button')
    .evaluateAll((els) =>
      els
        .filter((el) => el.scrollWidth > el.clientWidth)
        .map((el) => (el as unknown as { innerText: string }).innerText)
    )
  expect(clipped).toEqual([])
  const section = await page.getByTestId('imports-section').boundingBox()
  const box = await table.boundingBox()
  expect(box!.x + box!.width).toBeLessThanOrEqual(section!.x + section!.width)
  // Held to a crawl while it is audited and photographed four times, so every picture shows the download.
  mirror.options.rateBytesPerSec = 20_000
  await captureState(page, 'images-sync-progress', { focus: page.getByTestId('imports-section') })
  await expect(page.getByTestId('import-phase')).toHaveText('Downloading')
  mirror.options.rateBytesPerSec = 1_000_000

  const result = page.getByTestId('last-import-result')
  await expect(result).toContainText('Last import succeeded', { timeout: 30_000 })
  await expect(page.getByTestId('sync-button')).toBeVisible()
  await expect(page.getByTestId('import-progress')).toHaveCount(0)
  await expectAllSynced(page, dataDir)
  // Each row shows the version in use and its size, not placeholders.
  await expect(page.getByTestId('resource-row-1')).toContainText(/Synced\d{8}/)
  await expect(page.getByTestId('resource-row-1')).toContainText(/\d+(\.\d)? [kMG]B/)
  // Every needed file came down once: shared squashfs deduplicated, nothing fetched twice.
  expect(payloadServed(mirror)).toBe(total)
  await captureState(page, 'images-synced', { focus: page.getByTestId('imports-section') })
})

test('Stop import stops a slow sync without waiting for the mirror, and a later Sync completes', async ({
  page,
  dataDir,
  mirror,
  stream
}) => {
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  const total = payloadBytes(stream)
  mirror.options.rateBytesPerSec = 200_000 // per connection: ~20 s for the squashfs

  await page.getByTestId('sync-button').click()
  await expect(page.getByTestId('import-phase')).toHaveText('Downloading')
  await expect(page.getByTestId('import-percent')).not.toHaveText('0%')
  // The mirror hangs as the stop is asked: a stop that waited for the requests in flight would wait for the
  // 30 s stall timeout (and retry), so the bound, half of it, fails such a stop and not a loaded machine.
  mirror.options.hang = true
  await page.getByTestId('stop-import-button').click()
  await expect(page.getByTestId('sync-button')).toBeVisible({ timeout: DEFAULT_STALL_TIMEOUT_MS / 2 })
  await expect(page.getByTestId('last-import-result')).toContainText('Last import was stopped')
  await expect(page.getByTestId('last-import-result')).toContainText('partial downloads are kept')
  const status = await runCli(dataDir, 'boot-resources', 'is-importing')
  expect(status.stdout.trim()).toBe('false')
  const servedAtStop = payloadServed(mirror)
  expect(servedAtStop).toBeGreaterThan(0)
  expect(servedAtStop).toBeLessThan(total)
  await captureState(page, 'images-sync-stopped', { focus: page.getByTestId('imports-section') })

  // Nothing more is fetched once stopped, with the mirror answering again.
  mirror.options.hang = false
  await page.waitForTimeout(1_000)
  expect(payloadServed(mirror)).toBe(servedAtStop)

  mirror.options.rateBytesPerSec = undefined
  await page.getByTestId('sync-button').click()
  await expect(page.getByTestId('last-import-result')).toContainText('Last import succeeded', {
    timeout: 30_000
  })
  await expectAllSynced(page, dataDir)
  // It resumed: what the first run had downloaded was not fetched again (a little slack for
  // bytes in flight when it stopped).
  expect(payloadServed(mirror)).toBeLessThan(total * 1.1)
  await captureState(page, 'images-synced-after-resume', { focus: page.getByTestId('imports-section') })
})
