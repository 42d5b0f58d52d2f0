/**
 * A failed image keeps the Images table intact: its Status cell says "Failed" and a short reason,
 * Version, Last synced and Delete stay inside the card, and the last import's list holds the whole
 * text once per file (a file both kernels share is one entry).
 */
import { expect, openImages, test } from './support/stream-fixtures'
import { captureState } from './support/screenshots'

test.use({
  streamOptions: {
    scale: 0.005,
    releases: ['noble'],
    arches: ['amd64'],
    versionsPerProduct: 1,
    centos: false
  },
  sourceOnMirror: true,
  windowSize: { width: 1280, height: 800 }
})

test('a corrupted squashfs: Failed with a short reason in the cell, the whole text once in the list', async ({
  page,
  mirror,
  stream
}) => {
  const squashfs = stream.items.find((i) => i.ftype === 'squashfs')!
  // every copy of the file arrives with a flipped byte: its sha256 never matches the signed one
  mirror.options.faults = { [`/${squashfs.path}`]: { corruptAt: 0 } }
  await openImages(page)
  await page.getByTestId('sync-button').click()
  const result = page.getByTestId('last-import-result')
  await expect(result).toContainText('Last import finished with 1 failure', { timeout: 60_000 })

  const row = page.getByTestId('resources-table').locator('[data-image="ubuntu-noble-amd64"]')
  await expect(row).toContainText('Failed: file does not match the stream')
  await expect(row).not.toContainText(squashfs.path)
  // the row's last cells stay inside the card
  const card = await page
    .getByTestId('resources-table')
    .locator('xpath=ancestor::div[contains(@class,"p-card")][1]')
    .boundingBox()
  const del = await row.getByRole('button', { name: /^Delete / }).boundingBox()
  expect(del!.x + del!.width).toBeLessThanOrEqual(card!.x + card!.width)

  const entries = page.getByTestId('import-failure')
  await expect(entries).toHaveCount(1)
  const text = await entries.first().innerText()
  // the file first, then the kernels it served, then the whole message on its own line
  expect(text).toMatch(/^squashfs \(for ubuntu\/noble amd64\/ga-24\.04, ubuntu\/noble amd64\/hwe-24\.04\)\n/)
  expect(text).toContain('checksum mismatch')
  await captureState(page, 'images-failed-image', { state: 'Images after a failed image', focus: result })
})
