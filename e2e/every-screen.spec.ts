/**
 * Every screen at 1280×800 and 1024×640, light and dark (support/screenshots.ts takes the four variants): the navigation beside the content (never
 * over it) with its own remembered toggle, a skip link and a window title per screen, the delete
 * dialog from the keyboard, and the colour theme (the system's, or the one Settings chose). Each
 * state is screenshotted into test-results/screenshots/ and audited with axe-core.
 */
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { captureState } from './support/screenshots'

const SCREENS = ['Images', 'Change source', 'Sources', 'Settings', 'Staging'] as const

async function open(page: Page, name: (typeof SCREENS)[number]): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click()
  await expect(page.locator('main h1').first()).toBeVisible()
}

/** The navigation ends where the main panel starts: nothing of the screen lies under it. */
async function expectNavBeside(page: Page): Promise<void> {
  const nav = await page.getByTestId('main-navigation').boundingBox()
  const main = await page.locator('#main-content').boundingBox()
  const h1 = await page.locator('main h1').first().boundingBox()
  expect(nav && main && h1).toBeTruthy()
  expect(nav!.x + nav!.width).toBeLessThanOrEqual(main!.x + 0.5)
  expect(h1!.x).toBeGreaterThanOrEqual(nav!.x + nav!.width)
  // the main panel holds its content: nothing wider than the window pushes it sideways
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'))
  expect(overflow).toBeLessThanOrEqual(0)
  // and no table runs past its card's edge, where its last columns (the actions) would be cut off,
  // unless it scrolls sideways inside the card
  const cut = await page.evaluate(`[...document.querySelectorAll('main table')]
    .filter((t) => !t.closest('.u-scroll-card'))
    .filter((t) => {
      const card = t.closest('.p-card')
      return card && t.getBoundingClientRect().right > card.getBoundingClientRect().right + 0.5
    })
    .map((t) => t.getAttribute('aria-label') || t.className)`)
  expect(cut, 'tables cut off at the card’s edge').toEqual([])
}

test('every screen in each variant: navigation beside the content, its title, the theme, axe', async ({
  page
}) => {
  for (const screen of SCREENS) {
    await open(page, screen)
    await expect(page).toHaveTitle(`${screen} — MAAS Images`)
    await captureState(page, `screen-${screen.toLowerCase().replace(' ', '-')}`, {
      state: screen,
      check: () => expectNavBeside(page)
    })
  }
  // Collapsed: still beside the content, the toggle says what it does, and a reload remembers it.
  const toggle = page.getByTestId('nav-toggle')
  await expect(toggle).toHaveAccessibleName('Collapse navigation')
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(toggle).toHaveAccessibleName('Expand navigation')
  await captureState(page, 'nav-collapsed', {
    state: 'navigation collapsed',
    check: async () => {
      await expectNavBeside(page)
      await expect(page.getByRole('navigation').getByRole('link', { name: 'Change source' })).toBeVisible()
    }
  })
  await page.reload()
  await expect(page.getByTestId('nav-toggle')).toHaveAttribute('aria-expanded', 'false')
  await page.getByTestId('nav-toggle').click()
  await page.reload()
  await expect(page.getByTestId('nav-toggle')).toHaveAttribute('aria-expanded', 'true')
})

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`the system's ${scheme} theme`, () => {
    test.use({ systemColorScheme: scheme })

    test(`a window opened in it starts ${scheme}`, async ({ page }) => {
      await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
      await expect(page.locator('html')).toHaveClass(scheme === 'dark' ? /\bis-dark\b/ : /\bis-light\b/)
    })
  })
}

test.describe('1280x800', () => {
  test.use({ windowSize: { width: 1280, height: 800 } })

  test('the first Tab reaches the skip link, which moves focus to the screen', async ({ page }) => {
    await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
    await page.keyboard.press('Tab')
    const skip = page.getByTestId('skip-link')
    await expect(skip).toBeFocused()
    await expect(skip).toBeInViewport()
    await captureState(page, 'skip-link-focused', { state: 'skip link focused' })
    await expect(skip).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page.locator('#main-content')).toBeFocused()
    // the next Tab is inside the screen, past the navigation
    await page.keyboard.press('Tab')
    await expect(page.locator('#main-content :focus')).toHaveCount(1)
  })

  test('delete dialog: Tab stays inside, Escape from anywhere, focus back on the button', async ({
    page
  }) => {
    await open(page, 'Sources')
    const trash = page.getByTestId('source-delete-1')
    await trash.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByTestId('delete-source-dialog').getByRole('dialog')
    await expect(dialog).toBeVisible()
    await expect(page.getByTestId('confirm-cancel')).toBeFocused()
    await captureState(page, 'delete-dialog', {
      state: 'delete dialog open',
      // the dialog starts where the navigation ends, so the navigation stays visible beside it, and ends
      // at the window's edge, so the whole dialog and its buttons are on screen
      check: async ({ width }) => {
        const nav = await page.getByTestId('main-navigation').boundingBox()
        const overlay = await page.getByTestId('delete-source-dialog').boundingBox()
        expect(overlay!.x).toBeGreaterThanOrEqual(nav!.x + nav!.width - 0.5)
        expect(overlay!.x + overlay!.width).toBeLessThanOrEqual(width + 0.5)
        await expect(dialog).toBeInViewport({ ratio: 1 })
        await expect(page.getByTestId('confirm-ok')).toBeInViewport({ ratio: 1 })
      }
    })
    await expect(page.getByTestId('confirm-cancel')).toBeFocused()

    // Tab and Shift+Tab cycle inside: six presses never reach the page behind
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab')
      await expect(dialog.locator(':focus')).toHaveCount(1)
    }
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab')
      await expect(dialog.locator(':focus')).toHaveCount(1)
    }
    // Escape works even with focus taken off the dialog
    await page.evaluate('document.activeElement && document.activeElement.blur()')
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)
    await expect(trash).toBeFocused()
  })
})

test.describe('dark mode chosen in Settings', () => {
  test.use({ windowSize: { width: 1024, height: 640 }, systemColorScheme: 'light' })

  test('Settings > Appearance switches the theme at once and a reload keeps it', async ({ page }) => {
    await open(page, 'Settings')
    await expect(page.getByTestId('theme-system').locator('input')).toBeChecked()
    await expect(page.locator('html')).toHaveClass(/is-light/)
    await page.getByTestId('theme-dark').click()
    await expect(page.locator('html')).toHaveClass(/is-dark/)
    await captureState(page, 'settings-theme-dark', { state: 'Settings in the dark theme chosen there' })
    await page.reload()
    await expect(page.locator('html')).toHaveClass(/is-dark/)
    await page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click()
    await page.getByTestId('theme-system').click()
    await expect(page.locator('html')).toHaveClass(/is-light/)
  })
})
