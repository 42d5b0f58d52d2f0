/**
 * The Images page as a MAAS admin uses it: ticks show as "Selected for download" rows, Save and sync
 * downloads them, unticking shows "Will be deleted" and a sync frees the files, and Delete and Change
 * source are locked (with MAAS's reasons) while an import runs. Each state is screenshotted and
 * audited with axe-core.
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { cliJson, expect, runCli, test } from './support/stream-fixtures'
import { captureState } from './support/screenshots'

test.use({
  streamOptions: {
    scale: 0.01,
    releases: ['noble', 'jammy'],
    arches: ['amd64'],
    versionsPerProduct: 1,
    centos: false
  },
  sourceOnMirror: true
})

const SOURCE_LOCKED = 'Cannot change source while images are downloading.'
const DELETE_LOCKED = 'Cannot delete images that are currently being imported.'

/** Bytes of every complete file in the image cache. */
function cacheBytes(dataDir: string): number {
  const walk = (dir: string): number => {
    let n = 0
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, name.name)
      n += name.isDirectory() ? walk(p) : statSync(p).size
    }
    return n
  }
  try {
    return walk(join(dataDir, 'cache', 'sha256'))
  } catch {
    return 0
  }
}

interface Resource {
  id: number
  name: string
  architecture: string
  status: string
}

test('tick → Selected for download → Save and sync → Downloading (locked) → Synced', async ({
  page,
  dataDir,
  mirror
}) => {
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  const table = page.getByTestId('resources-table')
  // First run selects noble amd64; nothing is synced yet, so it is pending already.
  await expect(table.getByTestId('pending-row-ubuntu-noble-amd64')).toContainText('Selected for download')
  await expect(page.getByTestId('save-selection')).toHaveCount(0)

  await page.getByTestId('image-checkbox-ubuntu-jammy-amd64').click()
  const jammy = table.getByTestId('pending-row-ubuntu-jammy-amd64')
  await expect(jammy).toContainText('Selected for download')
  await expect(jammy).toContainText('22.04 LTS')
  await captureState(page, 'images-pending-download', {
    state: 'Images with a pending download',
    focus: table
  })

  // The × takes it out again, and ticking brings it back.
  await jammy.getByRole('button', { name: /Clear 22.04 LTS amd64/ }).click()
  await expect(jammy).toHaveCount(0)
  await expect(page.getByRole('checkbox', { name: '22.04 LTS amd64' })).not.toBeChecked()
  await page.getByTestId('image-checkbox-ubuntu-jammy-amd64').click()
  await expect(jammy).toBeVisible()

  // Held to a crawl (each connection 2 kB/s) until released below: the import still runs while the two
  // locked states are audited and photographed four times each, however loaded the machine is.
  mirror.options.rateBytesPerSec = 2_000
  await page.getByTestId('save-selection').click()
  await expect(page.getByTestId('selection-saved')).toContainText('Selection saved (1 added). Sync started.')
  await expect(table).toContainText('Downloading', { timeout: 15_000 })

  // Locked while it runs, with MAAS's reasons, on screen and in main.
  const change = page.getByTestId('change-source-link')
  await expect(change).toBeDisabled()
  // The reason is on screen from the keyboard: Tab reaches the info button, whose tooltip shows it.
  const why = page.getByTestId('change-source-why')
  await why.focus()
  await expect(why).toBeFocused()
  await expect(why.getByRole('tooltip')).toBeVisible()
  await expect(why.getByRole('tooltip')).toHaveText(SOURCE_LOCKED)
  const deletes = table.getByRole('button', { name: /^Delete / })
  expect(await deletes.count()).toBeGreaterThan(0)
  for (const button of await deletes.all()) await expect(button).toBeDisabled()
  const deleteWhy = table.locator('[data-testid^="resource-delete-why-"]').first()
  await deleteWhy.focus()
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Tab')
  await expect(deleteWhy).toBeFocused()
  await expect(deleteWhy.getByRole('tooltip')).toBeVisible()
  await expect(deleteWhy.getByRole('tooltip')).toHaveText(DELETE_LOCKED)
  const refused = await runCli(dataDir, 'boot-resource', 'delete', '1')
  // A MAAS command group: a refusal exits 2, as MAAS's CLI does.
  expect(refused.code).toBe(2)
  expect(refused.stderr).toContain(DELETE_LOCKED)
  await captureState(page, 'images-downloading-locked', { state: 'Images while downloading', focus: table })
  await why.focus()
  await expect(why.getByRole('tooltip')).toBeVisible()
  await captureState(page, 'images-change-source-locked-why', { focus: why })
  await expect(change).toBeDisabled()

  mirror.options.rateBytesPerSec = undefined
  await expect(page.getByTestId('last-import-result')).toContainText('Last import succeeded', {
    timeout: 60_000
  })
  // One row per release and architecture (kernels inside), plus the three bootloaders.
  const rows = table.locator('[data-testid^="resource-row-"]')
  await expect(rows).toHaveCount(5)
  for (const row of await rows.all()) await expect(row).toContainText('Synced')
  await expect(table.locator('[data-image="ubuntu-jammy-amd64"]')).toContainText('GA 22.04, HWE 22.04')
  await expect(table.locator('[data-testid^="pending-row-"]')).toHaveCount(0)
  const resources = await cliJson<Resource[]>(dataDir, 'boot-resources', 'read')
  expect(resources.filter((r) => r.name === 'ubuntu/jammy').length).toBeGreaterThan(0)
  await expect(page.getByTestId('change-source-link')).toBeEnabled()
  await captureState(page, 'images-synced-after-save', { state: 'Images synced', focus: table })
})

test('untick → Will be deleted → Save and sync → gone, and its files freed', async ({
  page,
  dataDir,
  mirror
}) => {
  expect(
    (
      await runCli(
        dataDir,
        'boot-source-selections',
        'create',
        '1',
        'os=ubuntu',
        'release=jammy',
        'arches=amd64'
      )
    ).code
  ).toBe(0)
  const imported = await runCli(dataDir, 'boot-resources', 'import', '--wait')
  expect(imported.code, imported.stderr).toBe(0)
  const before = cacheBytes(dataDir)
  await page.reload()
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  const table = page.getByTestId('resources-table')
  const resources = await cliJson<Resource[]>(dataDir, 'boot-resources', 'read')
  const jammyIds = resources.filter((r) => r.name === 'ubuntu/jammy').map((r) => r.id)
  expect(jammyIds.length).toBeGreaterThan(0)

  await page.getByTestId('image-checkbox-ubuntu-jammy-amd64').click()
  await expect(table.locator('[data-image="ubuntu-jammy-amd64"]')).toContainText('Will be deleted')
  await expect(table.locator('[data-image="ubuntu-noble-amd64"]')).toContainText('Synced')
  await captureState(page, 'images-will-be-deleted', {
    state: 'Images with an image to delete',
    focus: table
  })

  await page.getByTestId('save-selection').click()
  await expect(page.getByTestId('selection-saved')).toContainText('1 removed')
  await expect(page.getByTestId('last-import-result')).toContainText('Last import succeeded', {
    timeout: 60_000
  })
  await expect(table.locator('[data-image="ubuntu-jammy-amd64"]')).toHaveCount(0)
  const after = await cliJson<Resource[]>(dataDir, 'boot-resources', 'read')
  expect(after.some((r) => r.name === 'ubuntu/jammy')).toBe(false)
  expect(cacheBytes(dataDir)).toBeLessThan(before)
  await captureState(page, 'images-deleted-after-save', { focus: table })
})

test('the default commissioning release is marked and keeps its last architecture', async ({
  page,
  mirror
}) => {
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  await expect(page.getByTestId('commissioning-ubuntu-noble')).toHaveText('Default commissioning release')
  const noble = page.getByRole('checkbox', { name: '24.04 LTS amd64' })
  await expect(noble).toBeChecked()
  await expect(noble).toBeDisabled()
  await expect(noble).toHaveAttribute('title', /Cannot deselect the last architecture/)
  await captureState(page, 'images-commissioning', { focus: page.getByTestId('ubuntu-releases') })
})

test("two sources: the Images page says so, names each image's source, and edits the one chosen", async ({
  page,
  dataDir,
  mirror,
  stream
}) => {
  // The same signed stream under a second name: a second source as far as MAAS is concerned.
  const second = mirror.url.replace('127.0.0.1', 'localhost')
  const created = await runCli(
    dataDir,
    'boot-sources',
    'create',
    `url=${second}`,
    `keyring_filename=${stream.keyringPath}`
  )
  expect(created.code, created.stderr).toBe(0)
  const imported = await runCli(dataDir, 'boot-resources', 'import', '--wait')
  expect(imported.code, imported.stderr).toBe(0)
  await page.reload()

  const note = page.getByTestId('several-sources')
  await expect(note).toContainText('There are 2 boot sources')
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  const table = page.getByTestId('resources-table')
  await expect(table.locator('[data-image="ubuntu-noble-amd64"]')).toContainText(`from ${mirror.url}`)

  await page.getByLabel('Source whose selection you edit').selectOption({ label: `Source 2: ${second}` })
  await expect(page.getByTestId('source-url')).toHaveText(second)
  await expect(page.getByTestId('image-selection')).toContainText(`from ${second}`)
  await expect(page.getByRole('checkbox', { name: '22.04 LTS amd64' })).toBeVisible()
  await captureState(page, 'images-two-sources', {
    state: 'Images with two sources',
    focus: page.getByTestId('image-selection')
  })
})
