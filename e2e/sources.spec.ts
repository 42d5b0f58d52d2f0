/**
 * Sources: every boot source with add / edit / delete. Deleting a source deletes its selections,
 * and deleting the only one makes Images show the Change source form, as MAAS does.
 */
import { startTestServer, type TestServer } from '../test/support/test-server'
import { cliJson, expect, openScreen, runCli, test } from './support/stream-fixtures'
import { captureState } from './support/screenshots'

interface Source {
  id: number
  url: string
  keyring_filename: string
  keyring_data: string
}

interface Selection {
  os: string
  release: string
  arches: string[]
}

test.describe('with source 1 on a mirror', () => {
  test.use({ sourceOnMirror: true })

  test('add a second source, edit it, then delete it with its selections', async ({
    page,
    dataDir,
    mirror,
    stream
  }) => {
    // Two more mirrors of the same signed stream: another site's URL, and where it moves to.
    const servers: TestServer[] = await Promise.all([
      startTestServer({ root: stream.dir }),
      startTestServer({ root: stream.dir })
    ])
    const [second, moved] = servers.map((s) => s.url)
    try {
      await openScreen(page, 'Sources')
      await expect(page.getByTestId('source-row-1')).toContainText(mirror.url)
      await expect(page.getByTestId('sources-table').locator('tbody tr')).toHaveCount(1)

      // Add: Connect verifies the stream before the source is saved.
      await page.getByTestId('add-source-button').click()
      const editor = page.getByTestId('source-editor-card')
      await expect(editor).toContainText('Add source')
      await editor.getByTestId('source-url-input').fill(second)
      await editor.getByTestId('keyring-mode-file').click()
      await editor.getByTestId('keyring-file-input').fill(stream.keyringPath)
      await editor.getByTestId('source-form-submit').click()
      await expect(page.getByText(`Source 2 saved: ${second}`)).toBeVisible()
      await expect(editor).toHaveCount(0)
      const row2 = page.getByTestId('source-row-2')
      await expect(row2).toContainText(second)
      await expect(row2).toContainText(stream.keyringPath)
      await expect(page.getByTestId('source-row-1')).toContainText('Used by Images')
      await expect(row2).not.toContainText('Used by Images')

      // A selection on the new source.
      await page.getByTestId('source-selections-2').click()
      const panel = page.getByTestId('selections-panel-2')
      await panel.getByTestId('add-selection-button').click()
      await panel.getByTestId('selection-os-input').fill('ubuntu')
      await panel.getByTestId('selection-release-input').fill('jammy')
      await panel.getByTestId('selection-arches-input').fill('amd64, arm64')
      await panel.getByTestId('selection-save').click()
      await expect(panel.getByRole('table', { name: 'Selections' }).locator('tbody tr')).toHaveCount(1)
      await expect(panel).toContainText('jammy')
      await expect(page.getByTestId('source-selections-2')).toHaveText('1 selection')
      const sel2 = await cliJson<Selection[]>(dataDir, 'boot-source-selections', 'read', '2')
      expect(sel2.map((s) => [s.os, s.release, [...s.arches].sort()])).toEqual([
        ['ubuntu', 'jammy', ['amd64', 'arm64']]
      ])
      await captureState(page, 'sources-two-sources')

      // Edit: the mirror moved.
      await page.getByTestId('source-edit-2').click()
      await expect(editor).toContainText('Edit source 2')
      await expect(editor.getByTestId('source-url-input')).toHaveValue(second)
      await expect(editor.getByTestId('keyring-file-input')).toHaveValue(stream.keyringPath)
      await editor.getByTestId('source-url-input').fill(moved)
      await editor.getByTestId('source-form-submit').click()
      await expect(page.getByText(`Source 2 saved: ${moved}`)).toBeVisible()
      await expect(row2).toContainText(moved)
      expect((await cliJson<Source>(dataDir, 'boot-source', 'read', '2')).url).toBe(moved)
      // Its selection stays with it.
      await expect(page.getByTestId('source-selections-2')).toHaveText('1 selection')

      // Delete, through the confirmation dialog, which says what goes with it.
      await page.getByTestId('source-delete-2').click()
      const dialog = page.getByTestId('delete-source-dialog')
      await expect(dialog).toContainText('Delete source 2?')
      await expect(dialog).toContainText(moved)
      await expect(dialog).toContainText('Its selection is deleted too')
      await captureState(page, 'sources-delete-dialog')
      await dialog.getByTestId('confirm-ok').click()
      await expect(dialog).toHaveCount(0)
      await expect(page.getByText('Source 2 and its selections were deleted.')).toBeVisible()
      await expect(page.getByTestId('source-row-2')).toHaveCount(0)
      await expect(page.getByTestId('sources-table').locator('tbody tr')).toHaveCount(1)

      const sources = await cliJson<Source[]>(dataDir, 'boot-sources', 'read')
      expect(sources.map((s) => s.url)).toEqual([mirror.url])
      const gone = await runCli(dataDir, 'boot-source-selections', 'read', '2')
      // As MAAS's CLI: exit 2 for a source that does not exist.
      expect(gone.code).toBe(2)
      // Source 1 and its selection are untouched.
      const sel1 = await cliJson<Selection[]>(dataDir, 'boot-source-selections', 'read', '1')
      expect(sel1.map((s) => `${s.os}/${s.release}`)).toEqual(['ubuntu/noble'])

      // After a reload it is still gone.
      await page.reload()
      await expect(page.getByTestId('source-row-1')).toBeVisible()
      await expect(page.getByTestId('source-row-2')).toHaveCount(0)
    } finally {
      await Promise.all(servers.map((s) => s.close()))
    }
  })
})

test('deleting the only source makes Images show the Change source form', async ({ page, dataDir }) => {
  await openScreen(page, 'Sources')
  await page.getByTestId('source-delete-1').click()
  const dialog = page.getByTestId('delete-source-dialog')
  await expect(dialog).toContainText('This is the only source')
  await expect(dialog).toContainText('Its selection is deleted too')
  await dialog.getByTestId('confirm-ok').click()
  await expect(page.getByTestId('no-sources')).toBeVisible()
  await expect(page.getByTestId('sources-table')).toHaveCount(0)

  await openScreen(page, 'Images')
  await expect(page.getByTestId('source-url')).toHaveCount(0)
  await expect(page.getByTestId('source-keyring')).toHaveCount(0)
  await expect(page.getByTestId('no-source-notice')).toBeVisible()
  const form = page.getByTestId('no-source-form')
  await expect(form.getByRole('heading', { name: 'Choose a source' })).toBeVisible()
  await expect(form.getByTestId('connect-button')).toBeEnabled()
  await expect(page.getByTestId('image-selection')).toHaveCount(0)
  await captureState(page, 'images-no-source', { state: 'Images with no source' })

  // Deleting is respected: the first-run source does not come back on a restart, nor for the CLI.
  await page.reload()
  await expect(page.getByTestId('no-source-notice')).toBeVisible()
  await expect(page.getByTestId('source-url')).toHaveCount(0)
  expect(await cliJson(dataDir, 'boot-sources', 'read')).toEqual([])
  await openScreen(page, 'Change source')
  await expect(page.getByTestId('change-source-url')).toHaveText('')
})
