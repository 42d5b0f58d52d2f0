/**
 * The sync outliving the window, with Electron's own Tray and login items (shell/background-sync.ts,
 * shell/login-item.ts; their logic is unit-tested in test/shell/). Electron mode only: browser mode has no tray
 * and no login items, and says it skipped these. CI runs them on Linux (under Xvfb), Windows and macOS.
 */
import { _electron, type ElectronApplication, type Page } from '@playwright/test'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, OFFLINE_ENV, test } from './fixtures'

const root = resolve(__dirname, '..')
const NOT_ELECTRON = 'the tray and start at login are Electron-only; browser mode has neither'
const electronMode = process.env.MAAS_IMAGES_E2E_MODE === 'electron'
if (!electronMode) console.log(`SKIPPED in browser mode: e2e/background-sync.spec.ts: ${NOT_ELECTRON}`)

/** The app with its own data directory and XDG config folder (where Linux's autostart entry goes). */
async function launch(dataDir: string): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await _electron.launch({
    args: [join(root, 'out/main/index.js'), '--data-dir', dataDir],
    env: {
      ...process.env,
      ...OFFLINE_ENV,
      MAAS_IMAGES_DATA_DIR: dataDir,
      XDG_CONFIG_HOME: join(dataDir, 'xdg-config'),
      // A desktop with tray icons (shell/background-sync.ts: trayAvailable), whatever the CI machine runs.
      XDG_CURRENT_DESKTOP: 'KDE'
    }
  })
  const page = await app.firstWindow()
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible({ timeout: 30_000 })
  return { app, page }
}

/** The one-time notices the shell has given, from window-state.json (shell/shell-notices.ts). */
function noticesShown(dataDir: string): string[] {
  const file = join(dataDir, 'window-state.json')
  return existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')).notices as string[]) ?? []) : []
}

test.describe('the sync outlives the window (electron mode)', () => {
  test.skip(!electronMode, NOT_ELECTRON)

  test('closing the window with automatic sync on leaves the app running, in the tray', async ({
    dataDir
  }) => {
    const { app } = await launch(dataDir)
    try {
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close())
      await expect
        .poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length))
        .toBe(0)
      if (process.platform !== 'darwin') {
        // The tray icon is made, then the first-time notice given and recorded (Linux and Windows; macOS keeps
        // a windowless app in the Dock).
        await expect.poll(() => noticesShown(dataDir)).toContain('tray')
      }
      expect(app.process().exitCode).toBeNull()
      expect(await app.evaluate(({ app: electronApp }) => electronApp.isReady())).toBe(true)
    } finally {
      await app.close()
    }
  })

  test('Start at login registers the app with the OS, and unregistering removes it', async ({ dataDir }) => {
    const { app, page } = await launch(dataDir)
    const args = ['--background', '--data-dir', dataDir]
    const registered = async () =>
      process.platform === 'linux'
        ? existsSync(join(dataDir, 'xdg-config/autostart/maas-images.desktop'))
        : app.evaluate(({ app: electronApp }, a) => {
            const s = electronApp.getLoginItemSettings({ args: a })
            // macOS 13+: a login item of an unsigned app may wait for the user's approval.
            return s.openAtLogin || s.status === 'requires-approval'
          }, args)
    const toggle = async (on: boolean) => {
      await page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click()
      const startAtLogin = page.getByRole('switch', { name: 'Start at login' })
      await expect(startAtLogin).toBeVisible()
      if ((await startAtLogin.isChecked()) !== on) await page.getByTestId('start-at-login-toggle').click()
      await page.getByTestId('save-settings').click()
      await expect(page.getByTestId('settings-saved')).toHaveText(/Settings saved\./)
    }
    try {
      await toggle(true)
      await expect.poll(registered).toBe(true)
      if (process.platform === 'linux') {
        const entry = readFileSync(join(dataDir, 'xdg-config/autostart/maas-images.desktop'), 'utf8')
        expect(entry).toMatch(/^Exec=.* --background --data-dir /m)
      }
      await toggle(false)
      await expect.poll(registered).toBe(false)
    } finally {
      await app.close()
    }
  })
})
