/**
 * The shell: where the app opens, where the renderer is served from, and that each navigation link leads to
 * its screen's heading. Screenshots and the axe audit of every screen are every-screen.spec.ts's.
 */
import { test, expect } from './fixtures'

const screens = [
  { link: 'Images', heading: 'Images' },
  { link: 'Change source', heading: 'Change source' },
  { link: 'Sources', heading: 'Sources' },
  { link: 'Settings', heading: 'Settings' },
  { link: 'Staging', heading: 'Stage to a USB stick or disk' }
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

test('each navigation link leads to its screen, named by its heading', async ({ page }) => {
  for (const screen of screens) {
    await page.getByRole('navigation').getByRole('link', { name: screen.link, exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: screen.heading })).toBeVisible()
  }
})

test('Settings shows the data directory the app was started with', async ({ page, dataDir }) => {
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click()
  await expect(page.getByTestId('data-dir')).toHaveText(dataDir)
})
