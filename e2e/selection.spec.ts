/**
 * Images → select releases and architectures → Save and sync: the selection is what MAAS syncs,
 * so it must survive a restart of the window and be what the CLI reads.
 */
import { cliJson, expect, test } from './support/stream-fixtures'
import { captureState } from './support/screenshots'

test.use({ sourceOnMirror: true })

interface Selection {
  id: number
  boot_source_id: number
  os: string
  release: string
  arches: string[]
  subarches: string[]
  labels: string[]
}

test('a saved selection persists across a reload and is what the CLI reads', async ({
  page,
  dataDir,
  mirror
}) => {
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  const ubuntu = page.getByTestId('ubuntu-releases')
  const other = page.getByTestId('other-images')
  const box = (os: string, release: string, arch: string) =>
    page.getByTestId(`image-checkbox-${os}-${release}-${arch}`).getByRole('checkbox')
  // Vanilla draws the box on the label; the admin clicks that, not the hidden native input.
  const toggle = async (os: string, release: string, arch: string, on: boolean) => {
    await page.getByTestId(`image-checkbox-${os}-${release}-${arch}`).click()
    await expect(box(os, release, arch)).toBeChecked({ checked: on })
  }

  // First run: noble amd64 only.
  await expect(box('ubuntu', 'noble', 'amd64')).toBeChecked()
  await expect(ubuntu.getByRole('checkbox', { checked: true })).toHaveCount(1)
  // Nothing to save yet: no Save and sync button.
  await expect(page.getByTestId('save-selection')).toHaveCount(0)

  // jammy on both arches, noble arm64 as well, and CentOS 7.
  await toggle('ubuntu', 'jammy', 'amd64', true)
  await toggle('ubuntu', 'jammy', 'arm64', true)
  await toggle('ubuntu', 'noble', 'arm64', true)
  await toggle('centos', 'centos70', 'amd64', true)
  await expect(page.getByTestId('selection-dirty')).toContainText('Unsaved changes')
  await captureState(page, 'images-selection-edited', { focus: page.getByTestId('selection-dirty') })
  await page.getByTestId('save-selection').click()
  await expect(page.getByTestId('selection-saved')).toContainText('Selection saved (2 added, 1 changed)')
  await expect(page.getByTestId('selection-dirty')).toHaveCount(0)
  await expect(page.getByTestId('save-selection')).toHaveCount(0)

  // A new window reads it back from the data directory.
  await page.reload()
  await expect(page.getByTestId('source-url')).toHaveText(mirror.url)
  for (const release of ['jammy', 'noble'])
    for (const arch of ['amd64', 'arm64']) await expect(box('ubuntu', release, arch)).toBeChecked()
  await expect(box('centos', 'centos70', 'amd64')).toBeChecked()
  await expect(ubuntu.getByRole('checkbox', { checked: true })).toHaveCount(4)
  await expect(other.getByRole('checkbox', { checked: true })).toHaveCount(1)
  await captureState(page, 'images-selection-saved', { focus: page.getByTestId('image-selection') })

  // The CLI sees the same selections, in MAAS's shape.
  const selections = await cliJson<Selection[]>(dataDir, 'boot-source-selections', 'read', '1')
  const byRelease = Object.fromEntries(selections.map((s) => [`${s.os}/${s.release}`, s]))
  expect(Object.keys(byRelease).sort()).toEqual(['centos/centos70', 'ubuntu/jammy', 'ubuntu/noble'])
  expect(byRelease['ubuntu/jammy'].arches.sort()).toEqual(['amd64', 'arm64'])
  expect(byRelease['ubuntu/noble'].arches.sort()).toEqual(['amd64', 'arm64'])
  expect(byRelease['centos/centos70'].arches).toEqual(['amd64'])
  for (const s of selections) expect(s.boot_source_id).toBe(1)

  // Unticking is how an admin stops syncing an image: jammy arm64 off, CentOS off.
  await toggle('ubuntu', 'jammy', 'arm64', false)
  await toggle('centos', 'centos70', 'amd64', false)
  await page.getByTestId('save-selection').click()
  await expect(page.getByTestId('selection-saved')).toContainText('1 changed, 1 removed')
  const after = await cliJson<Selection[]>(dataDir, 'boot-source-selections', 'read', '1')
  expect(after.map((s) => `${s.os}/${s.release}:${[...s.arches].sort().join(',')}`).sort()).toEqual([
    'ubuntu/jammy:amd64',
    'ubuntu/noble:amd64,arm64'
  ])
})
