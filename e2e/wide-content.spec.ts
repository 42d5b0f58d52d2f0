/**
 * Wide content at 1280×800 and 1024×640, light and dark: a stream with 7 architectures and many
 * releases. The release grid scrolls inside its card (its Kernels column is reached, not cut off),
 * nothing runs past the card or under the navigation, and axe finds nothing.
 */
import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expectNoAxeViolations } from './support/axe'
import { expect, openImages, test } from './support/stream-fixtures'

test.use({
  streamOptions: {
    scale: 0.005,
    releases: ['focal', 'jammy', 'noble', 'oracular', 'plucky', 'questing', 'resolute', 'snapper'],
    arches: ['amd64', 'arm64', 'armhf', 'i386', 'ppc64el', 's390x', 'riscv64'],
    versionsPerProduct: 1
  },
  sourceOnMirror: true
})

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: `test-results/screenshots/${name}.png` })
}

/** The element's right edge lies inside the main panel: nothing runs past the card's edge. */
async function expectInsideMain(page: Page, testId: string): Promise<void> {
  const main = await page.locator('#main-content').boundingBox()
  const box = await page.getByTestId(testId).boundingBox()
  expect(box!.x + box!.width).toBeLessThanOrEqual(main!.x + main!.width + 0.5)
}

for (const { name, size } of [
  { name: '1280x800', size: { width: 1280, height: 800 } },
  { name: '1024x640', size: { width: 1024, height: 640 } }
]) {
  for (const scheme of ['light', 'dark'] as const) {
    test.describe(`${name}, ${scheme}`, () => {
      test.use({ windowSize: size, systemColorScheme: scheme })

      test('7 architectures: the grid scrolls inside its card and Kernels is reached', async ({ page }) => {
        await openImages(page)
        const grid = page.getByTestId('ubuntu-releases')
        await expect(grid.getByTestId('release-row-ubuntu-noble')).toBeVisible()
        await expectInsideMain(page, 'image-selection')
        const region = page.getByRole('region', { name: /^Ubuntu releases, scrolls sideways/ })
        // keyboard: the region takes focus, and the arrow keys scroll it to the Kernels column
        await region.focus()
        await expect(region).toBeFocused()
        const kernels = grid.getByRole('columnheader', { name: 'Kernels' })
        await kernels.scrollIntoViewIfNeeded()
        await expect(kernels).toBeInViewport()
        const kBox = await kernels.boundingBox()
        expect(kBox!.width).toBeGreaterThan(150)
        await expectInsideMain(page, 'image-selection')
        await expectNoAxeViolations(page, `Images with 7 architectures at ${name}, ${scheme}`)
        await region.evaluate((el) => el.scrollTo(0, 0))
        await shot(page, `images-7-arches-${name}-${scheme}`)
      })
    })
  }
}
