/**
 * Change source as in MAAS: Connect, then the fetched images at once with Update selection and
 * Cancel; the explicit unsigned choice; the page locked while an import runs. Each state is
 * screenshotted and audited with axe-core.
 */
import { expectNoAxeViolations } from './support/axe'
import { cliJson, connectCustomSource, expect, openScreen, test } from './support/stream-fixtures'
import { captureState } from './support/screenshots'

test.use({
  streamOptions: {
    scale: 0.01,
    releases: ['noble', 'jammy'],
    arches: ['amd64', 'arm64'],
    versionsPerProduct: 1
  }
})

const MAAS_IO = 'https://images.maas.io/ephemeral-v3/stable/'
const SOURCE_LOCKED = 'Cannot change source while images are downloading.'

interface Selection {
  os: string
  release: string
  arches: string[]
}

test('Change source → Connect → pick images → Update selection', async ({
  page,
  dataDir,
  mirror,
  stream
}) => {
  await openScreen(page, 'Change source')
  await page.getByTestId('choice-custom').click()
  await page.getByTestId('source-url-input').fill(mirror.url)
  await page.getByTestId('keyring-mode-file').click()
  // The default keyring is named, as what an empty field means.
  await expect(page.getByTestId('keyring-file-input')).toHaveAttribute('placeholder', /\(default\)$/)
  await page.getByTestId('keyring-file-input').fill(stream.keyringPath)
  await captureState(page, 'change-source-custom-form', { state: 'Change source, custom mirror filled in' })

  await page.getByTestId('connect-button').click()
  await expect(page.getByTestId('connect-success')).toContainText('signature was verified')
  await expect(page.getByTestId('connect-success')).toContainText('Nothing is saved yet')
  await expect(page.getByTestId('showing-images-from')).toHaveText(
    `Showing images fetched from ${mirror.url}`
  )
  const picker = page.getByTestId('image-selection')
  await expect(picker.getByTestId('release-row-ubuntu-jammy')).toBeVisible()
  await expect(picker.getByTestId('release-group-LTS releases')).toBeVisible()
  // The first-run selection (noble amd64) carried over to the new source.
  await expect(picker.getByRole('checkbox', { name: '24.04 LTS amd64' })).toBeChecked()
  await expect(page.getByTestId('save-selection')).toHaveText('Update selection')
  await expect(page.getByTestId('cancel-selection')).toBeVisible()
  await captureState(page, 'change-source-picker', {
    state: 'Change source after Connect',
    focus: page.getByTestId('showing-images-from')
  })

  // Keyboard: the checkbox is reached and ticked without a mouse.
  const jammyArm = picker.getByRole('checkbox', { name: '22.04 LTS arm64' })
  await jammyArm.focus()
  await page.keyboard.press('Space')
  await expect(jammyArm).toBeChecked()
  await page.getByTestId('save-selection').click()
  // Back on Images, as maas-ui returns to the list, where the rows show their download.
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
  await expect(page.getByTestId('selection-saved')).toContainText('Selection saved (1 added). Sync started.')
  await captureState(page, 'images-right-after-update-selection', {
    focus: page.getByTestId('selection-saved'),
    state: 'Images right after Update selection'
  })

  const selections = await cliJson<Selection[]>(dataDir, 'boot-source-selections', 'read', '1')
  expect(selections.map((s) => `${s.os}/${s.release}:${s.arches.join(',')}`).sort()).toEqual([
    'ubuntu/jammy:arm64',
    'ubuntu/noble:amd64'
  ])

  // The sync runs from the new source; Images shows the result.
  await openScreen(page, 'Images')
  const table = page.getByTestId('resources-table')
  await expect(page.getByTestId('last-import-result')).toContainText('Last import succeeded', {
    timeout: 60_000
  })
  await expect(table.locator('[data-image="ubuntu-jammy-arm64"]')).toContainText('Synced')
  await expect(table.locator('[data-image="ubuntu-noble-amd64"]')).toContainText('Synced')
  await captureState(page, 'images-after-update-selection', {
    state: 'Images after Update selection',
    focus: table
  })

  // Sortable columns, from the keyboard.
  await table.getByTestId('sort-arch').focus()
  await page.keyboard.press('Enter')
  const archHead = table.getByTestId('sort-arch').locator('xpath=..')
  await expect(archHead).toHaveAttribute('aria-sort', 'ascending')
  await page.keyboard.press('Enter')
  await expect(archHead).toHaveAttribute('aria-sort', 'descending')
  // arm64 before amd64 now, although the default order puts the newer noble first.
  await expect(table.locator('tbody tr[data-image^="ubuntu-"]').first()).toHaveAttribute(
    'data-image',
    'ubuntu-jammy-arm64'
  )
  await expectNoAxeViolations(page, 'Images table sorted by architecture')
})

test('Cancel after Connect keeps the selection and goes back to Images', async ({
  page,
  dataDir,
  mirror,
  stream
}) => {
  await connectCustomSource(page, mirror.url, stream.keyringPath)
  await expect(page.getByTestId('showing-images-from')).toBeVisible()
  await page.getByTestId('image-checkbox-ubuntu-jammy-amd64').click()
  await expect(page.getByRole('checkbox', { name: '22.04 LTS amd64' })).toBeChecked()
  await page.getByTestId('cancel-selection').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
  const selections = await cliJson<Selection[]>(dataDir, 'boot-source-selections', 'read', '1')
  expect(selections.map((s) => s.release)).toEqual(['noble'])
  // The source too stays as it was: Connect saved nothing.
  await expect(page.getByTestId('source-url')).toHaveText(MAAS_IO)
  expect((await cliJson<{ url: string }>(dataDir, 'boot-source', 'read', '1')).url).toBe(MAAS_IO)
})

test('a failed Connect after a good one leaves no picker of the previous mirror', async ({
  page,
  mirror,
  stream
}) => {
  await connectCustomSource(page, mirror.url, stream.keyringPath)
  await expect(page.getByTestId('save-selection')).toBeEnabled()
  // nothing listens there
  await page.getByTestId('source-url-input').fill('http://127.0.0.1:9/maas/stable/')
  await page.getByTestId('connect-button').click()
  const failed = page.getByTestId('error-notice').filter({ hasText: 'Connect failed' })
  await expect(failed).toBeVisible()
  await expect(page.getByTestId('save-selection')).toHaveCount(0)
  await expect(page.getByTestId('showing-images-from')).toHaveCount(0)
  await captureState(page, 'change-source-failed-connect', {
    state: 'Change source after a failed Connect',
    focus: failed
  })
})

test('the unsigned choice is explicit and warned about', async ({ page, mirror }) => {
  await openScreen(page, 'Change source')
  await page.getByTestId('choice-custom').click()
  await page.getByTestId('source-url-input').fill(mirror.url)
  await page.getByTestId('signing-unsigned').click()
  await expect(page.getByTestId('unsigned-hint')).toContainText('without signature checks')
  await expect(page.getByTestId('keyring-file-input')).toHaveCount(0)
  await captureState(page, 'change-source-unsigned-choice', {
    state: 'Change source, unsigned choice',
    focus: page.getByTestId('unsigned-hint')
  })
})

test.describe('while an import runs', () => {
  test.use({ sourceOnMirror: true })

  test('Change source is locked with MAAS words', async ({ page, mirror }) => {
    await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
    mirror.options.rateBytesPerSec = 200_000
    await page.getByTestId('sync-button').click()
    await expect(page.getByTestId('resources-table')).toContainText('Downloading', { timeout: 15_000 })
    await openScreen(page, 'Change source')
    await expect(page.getByTestId('change-source-locked-notice')).toContainText(SOURCE_LOCKED)
    await expect(page.getByTestId('connect-button')).toBeDisabled()
    await expect(page.getByTestId('connect-button')).toHaveAttribute('title', SOURCE_LOCKED)
    await expect(page.getByTestId('choice-custom').locator('input')).toBeDisabled()
    await captureState(page, 'change-source-locked', { state: 'Change source while importing' })
    mirror.options.rateBytesPerSec = undefined
    await openScreen(page, 'Images')
    await expect(page.getByTestId('last-import-result')).toContainText('Last import succeeded', {
      timeout: 60_000
    })
  })
})
