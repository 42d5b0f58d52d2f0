/**
 * Every state a spec photographs is audited and photographed in the same four variants: a laptop window
 * (1280×800) and the smallest the app supports (1024×640), each in the light and the dark theme. One helper
 * takes all four, so no state can be left at one size or without its dark picture. Files are
 * test-results/screenshots/<name>-<width>x<height>-<light|dark>.png.
 */
import { mkdirSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures'
import { expectNoAxeViolations } from './axe'

export interface Variant {
  width: number
  height: number
  scheme: 'light' | 'dark'
  /** "1280x800-dark": the file name's suffix and the audit's label */
  name: string
}

export const VARIANTS: readonly Variant[] = [
  { width: 1280, height: 800 },
  { width: 1024, height: 640 }
].flatMap(({ width, height }) =>
  (['light', 'dark'] as const).map((scheme) => ({
    width,
    height,
    scheme,
    name: `${width}x${height}-${scheme}`
  }))
)

export interface CaptureOptions {
  /** what the audit failure names (the file name otherwise) */
  state?: string
  /** the part of the screen that matters, scrolled into view in each variant (the app scrolls in its main pane) */
  focus?: Locator
  /** checks the layout must pass in each variant (e.g. nothing under the navigation), run before the audit */
  check?: (variant: Variant) => Promise<void>
}

/** The theme Settings chose, or null when the window follows the system (the light/dark variants then differ). */
async function chosenTheme(page: Page): Promise<'light' | 'dark' | null> {
  // e2e code is typed for Node, without the DOM library: the page's window is reached as a string.
  const stored = await page.evaluate("localStorage.getItem('maas-images.theme')")
  return stored === 'light' || stored === 'dark' ? stored : null
}

/**
 * Audits (axe, 0 violations) and photographs the page as it is now in the four variants, then gives the page
 * back its size and system colour scheme. Focus and an open dialog are left alone: resizing and the colour
 * scheme change neither.
 */
export async function captureState(page: Page, name: string, options: CaptureOptions = {}): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true })
  // Four audits and pictures take time on a loaded machine: each state brings its own budget, so a spec's
  // timeout is about its own steps.
  test.info().setTimeout(test.info().timeout + 60_000)
  const size = page.viewportSize()
  const systemDark = await page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
  // A theme chosen in Settings wins over the system's: that state has only its chosen colours, at both sizes.
  const chosen = await chosenTheme(page)
  const variants = chosen ? VARIANTS.filter((v) => v.scheme === chosen) : VARIANTS
  try {
    for (const variant of variants) {
      await page.setViewportSize({ width: variant.width, height: variant.height })
      await page.emulateMedia({ colorScheme: variant.scheme })
      await expect(page.locator('html')).toHaveClass(
        variant.scheme === 'dark' ? /\bis-dark\b/ : /\bis-light\b/
      )
      // The pointer rests on the page, not on the link or button it last clicked.
      await page.mouse.move(variant.width - 20, variant.height - 20)
      await options.check?.(variant)
      await expectNoAxeViolations(page, `${options.state ?? name} at ${variant.name}`)
      if (options.focus) await options.focus.scrollIntoViewIfNeeded()
      await page.screenshot({ path: `test-results/screenshots/${name}-${variant.name}.png` })
    }
  } finally {
    if (size) await page.setViewportSize(size)
    await page.emulateMedia({ colorScheme: systemDark ? 'dark' : 'light' })
  }
}
