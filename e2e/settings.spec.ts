/**
 * Settings: the automatic sync (MAAS's "Automatically sync images" and its interval) and the proxy
 * an admin behind a squid needs. Saved values survive a restart of the window.
 */
import { expect, openScreen, test } from './support/stream-fixtures'
import { captureState } from './support/screenshots'

const PROXY = 'http://squid.internal:3128/'
const NO_PROXY = 'localhost,127.0.0.1,.internal'

test('auto sync, its interval and the proxy persist across a reload', async ({ page }) => {
  await openScreen(page, 'Settings')
  const toggle = page.getByTestId('auto-sync-toggle')
  const autoSync = page.getByRole('switch', { name: 'Automatically sync images' })
  const interval = page.getByTestId('sync-interval-input')
  const http = page.getByTestId('http-proxy-input')
  const https = page.getByTestId('https-proxy-input')
  const noProxy = page.getByTestId('no-proxy-input')

  // MAAS's defaults: on, hourly, no proxy of its own.
  await expect(autoSync).toBeChecked()
  await expect(interval).toHaveValue('60')
  await expect(http).toHaveValue('')

  await interval.fill('15')
  await http.fill(PROXY)
  await https.fill(PROXY)
  await noProxy.fill(NO_PROXY)
  await page.getByTestId('save-settings').click()
  await expect(page.getByTestId('settings-saved')).toHaveText(/Settings saved\./)

  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expect(autoSync).toBeChecked()
  await expect(interval).toHaveValue('15')
  await expect(http).toHaveValue(PROXY)
  await expect(https).toHaveValue(PROXY)
  await expect(noProxy).toHaveValue(NO_PROXY)
  await captureState(page, 'settings-saved', { focus: noProxy })

  // With auto sync on, Images says when the next sync runs.
  await openScreen(page, 'Images')
  await expect(page.getByTestId('next-sync')).toContainText('Next automatic sync at')

  // Turn it off: the interval is kept but greyed out, and nothing is scheduled.
  await openScreen(page, 'Settings')
  await toggle.click()
  await expect(autoSync).not.toBeChecked()
  await expect(interval).toBeDisabled()
  await page.getByTestId('save-settings').click()
  await expect(page.getByTestId('settings-saved')).toHaveText(/Settings saved\./)

  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expect(autoSync).not.toBeChecked()
  await expect(interval).toHaveValue('15')
  await expect(interval).toBeDisabled()
  await expect(http).toHaveValue(PROXY)
  await expect(noProxy).toHaveValue(NO_PROXY)
  await captureState(page, 'settings-auto-sync-off', { focus: interval })

  await openScreen(page, 'Images')
  await expect(page.getByTestId('next-sync')).toContainText('No automatic sync is scheduled')
})
