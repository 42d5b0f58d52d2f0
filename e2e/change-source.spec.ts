/**
 * Change source: an admin points MAAS Images at their own signed mirror, and a mirror whose
 * metadata was altered is refused without losing the working source.
 */
import { join } from 'node:path'
import { tamperSignedFile } from '../test/support/stream-generator'
import { startTestServer } from '../test/support/test-server'
import {
  cliJson,
  connectCustomSource,
  expect,
  openImages,
  openScreen,
  test,
  useMirror
} from './support/stream-fixtures'
import { captureState } from './support/screenshots'

const MAAS_IO = 'https://images.maas.io/ephemeral-v3/stable/'

test('Connect saves nothing; Update selection makes the mirror the source and Images shows it', async ({
  page,
  dataDir,
  mirror,
  stream
}) => {
  await openScreen(page, 'Change source')
  await expect(page.getByTestId('change-source-url')).toHaveText(MAAS_IO)
  await connectCustomSource(page, mirror.url, stream.keyringPath)
  await expect(page.getByTestId('connect-success')).toContainText('signature was verified')
  await captureState(page, 'change-source-custom-connected', {
    focus: page.getByTestId('connect-success')
  })
  // Connect saved nothing: the current source is still maas.io until Update selection.
  await expect(page.getByTestId('change-source-url')).toHaveText(MAAS_IO)
  expect((await cliJson<{ url: string }>(dataDir, 'boot-source', 'read', '1')).url).toBe(MAAS_IO)

  // Update selection saves it and returns to Images, as maas-ui closes the form.
  await page.getByTestId('save-selection').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
  await expect(page.getByTestId('selection-saved')).toContainText(`Source ${mirror.url} saved.`)
  await expect(page.getByTestId('refresh-catalogue')).toBeEnabled()
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  await expect(page.getByTestId('source-keyring')).toHaveText(stream.keyringPath)
  await expect(page.getByTestId('unverified-notice')).toHaveCount(0)
  await expect(page.getByTestId('error-notice')).toHaveCount(0)

  const selection = page.getByTestId('image-selection')
  await expect(selection).toContainText(`Read`)
  await expect(selection).toContainText(`from ${mirror.url}`)
  await expect(selection).toContainText('signatures verified')
  await expect(selection).toContainText(stream.key.keyId)

  // Ubuntu releases: both generated releases, each offered for both arches, with GA and HWE kernels.
  const ubuntu = page.getByTestId('ubuntu-releases')
  for (const release of ['jammy', 'noble']) {
    const row = ubuntu.getByTestId(`release-row-ubuntu-${release}`)
    await expect(row).toBeVisible()
    for (const arch of ['amd64', 'arm64'])
      await expect(row.getByTestId(`image-checkbox-ubuntu-${release}-${arch}`)).toBeVisible()
  }
  await expect(ubuntu.getByTestId('release-row-ubuntu-jammy')).toContainText('22.04 LTS')
  await expect(ubuntu.getByTestId('release-row-ubuntu-noble')).toContainText('24.04 LTS')
  // Kernel chips read "HWE 24.04"; the subarch is their tooltip.
  await expect(ubuntu.getByTestId('release-row-ubuntu-noble').locator('[title="hwe-24.04"]')).toBeVisible()
  await expect(ubuntu.locator('tbody tr[data-testid^="release-row-"]')).toHaveCount(2)

  // MAAS's first-run selection (noble amd64) carried over to the new source.
  await expect(ubuntu.getByRole('checkbox', { name: '24.04 LTS amd64' })).toBeChecked()
  await expect(ubuntu.getByRole('checkbox', { name: '22.04 LTS amd64' })).not.toBeChecked()

  // Other images: CentOS, amd64 only.
  const other = page.getByTestId('other-images')
  const centos = other.getByTestId('release-row-centos-centos70')
  await expect(centos).toContainText('CentOS 7')
  await expect(centos.getByTestId('image-checkbox-centos-centos70-amd64')).toBeVisible()
  await expect(other.locator('tbody tr[data-testid^="release-row-"]')).toHaveCount(1)

  // Bootloaders are not selectable: always included, and named.
  const note = page.getByTestId('bootloaders-note')
  await expect(note).toContainText('Bootloaders are always downloaded')
  for (const loader of ['grub-efi-signed (uefi): amd64', 'grub-efi (uefi): arm64', 'pxelinux (pxe): amd64'])
    await expect(note).toContainText(loader)
  await captureState(page, 'images-custom-mirror-catalogue', { focus: note })
})

test('a tampered products file is refused with a signature error and the old source stays', async ({
  page,
  mirror,
  stream,
  makeStream
}) => {
  await useMirror(page, mirror.url, stream.keyringPath)

  const bad = await makeStream()
  await tamperSignedFile(join(bad.dir, `streams/v1/${bad.contentIds.ubuntu}.sjson`))
  const badServer = await startTestServer({ root: bad.dir })
  try {
    await connectCustomSource(page, badServer.url, bad.keyringPath)
    const error = page.getByTestId('error-notice').filter({ hasText: 'Connect failed' })
    await expect(error).toBeVisible()
    await expect(error).toContainText(/signature/i)
    await expect(error).toContainText(bad.contentIds.ubuntu)
    await expect(page.getByTestId('connect-success')).toHaveCount(0)
    // The signature check is what failed: the server did serve the tampered file.
    expect(
      badServer.stats.byPath.get(`/streams/v1/${bad.contentIds.ubuntu}.sjson`)?.requests
    ).toBeGreaterThan(0)
    await captureState(page, 'change-source-tampered-refused', { focus: error })

    // No picker is left for what was not verified.
    await expect(page.getByTestId('save-selection')).toHaveCount(0)
    await expect(page.getByTestId('showing-images-from')).toHaveCount(0)
    // The current source is still the good mirror, here and on Images, and its catalogue still loads.
    await expect(page.getByTestId('change-source-url')).toHaveText(mirror.url)
    await openImages(page)
    await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
    await expect(page.getByTestId('source-keyring')).toHaveText(stream.keyringPath)
    await expect(page.getByTestId('release-row-ubuntu-noble')).toBeVisible()
    await expect(page.getByTestId('error-notice')).toHaveCount(0)
  } finally {
    await badServer.close()
  }
})

// Connect's read is the only read of the stream for the catalogue: what it verified is kept as the saved
// source's metadata cache, and Images reads it from there.
test('Connect reads the stream once, and Images after Update selection shows it without a cache error', async ({
  page,
  mirror,
  stream
}) => {
  mirror.resetStats()
  await connectCustomSource(page, mirror.url, stream.keyringPath)
  await expect(page.getByTestId('showing-images-from')).toContainText(mirror.url)
  expect(mirror.stats.byPath.get('/streams/v1/index.sjson')?.requests).toBe(1)
  expect(mirror.stats.byPath.get(`/streams/v1/${stream.contentIds.ubuntu}.sjson`)?.requests).toBe(1)
  await page.getByTestId('save-selection').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
  await expect(page.getByTestId('refresh-catalogue')).toBeEnabled()
  await expect(page.getByTestId('release-row-ubuntu-noble')).toBeVisible()
  await expect(page.getByTestId('error-notice')).toHaveCount(0)
  // Update selection started a sync: let it end before the data directory is removed.
  await expect(page.getByTestId('last-import-result')).toContainText('Last import succeeded', {
    timeout: 60_000
  })
})
