import { test, expect } from './fixtures'
import { captureState } from './support/screenshots'

const screens = [
  { link: 'Images', heading: 'Images', file: 'images' },
  { link: 'Change source', heading: 'Change source', file: 'change-source' },
  { link: 'Sources', heading: 'Sources', file: 'sources' },
  { link: 'Settings', heading: 'Settings', file: 'settings' }
]

test('opens on Images and shows the default boot source', async ({ page }) => {
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
  await expect(page.getByTestId('source-url')).toHaveText('https://images.maas.io/ephemeral-v3/stable/')
  await expect(page.getByTestId('source-keyring')).toContainText('ubuntu-cloudimage-keyring.gpg')
})

test('the renderer is served from app:// in Electron mode, from loopback http in browser mode', async ({
  page,
  mode
}) => {
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
  const url = page.url()
  if (mode === 'electron') expect(url).toMatch(/^app:\/\/maas-images\/index\.html(#.*)?$/)
  else expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
})

test('navigation reaches every screen, with a screenshot and an axe audit of each', async ({ page }) => {
  for (const screen of screens) {
    await page.getByRole('navigation').getByRole('link', { name: screen.link, exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: screen.heading })).toBeVisible()
    await captureState(page, screen.file, { state: `the ${screen.heading} screen` })
  }
})

test('Settings shows the data directory the app was started with', async ({ page, dataDir }) => {
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click()
  await expect(page.getByTestId('data-dir')).toHaveText(dataDir)
})
