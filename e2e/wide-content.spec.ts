/**
 * Wide content at 1280×800 and 1024×640, light and dark: a stream with 7 architectures and many
 * releases. The release grid scrolls inside its card (its Kernels column is reached, not cut off),
 * nothing runs past the card or under the navigation, and axe finds nothing.
 */
import type { Page } from '@playwright/test'
import { captureState } from './support/screenshots'
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

/** The element's right edge lies inside the main panel: nothing runs past the card's edge. */
async function expectInsideMain(page: Page, testId: string): Promise<void> {
  const main = await page.locator('#main-content').boundingBox()
  const box = await page.getByTestId(testId).boundingBox()
  expect(box!.x + box!.width).toBeLessThanOrEqual(main!.x + main!.width + 0.5)
}

test('7 architectures: the grid scrolls inside its card and Kernels is reached, in each variant', async ({
  page
}) => {
  await openImages(page)
  const grid = page.getByTestId('ubuntu-releases')
  await expect(grid.getByTestId('release-row-ubuntu-noble')).toBeVisible()
  const region = page.getByRole('region', { name: /^Ubuntu releases, scrolls sideways/ })
  await captureState(page, 'images-7-arches', {
    state: 'Images with 7 architectures',
    check: async () => {
      await expectInsideMain(page, 'image-selection')
      // keyboard: the region takes focus, and the arrow keys scroll it to the Kernels column
      await region.focus()
      await expect(region).toBeFocused()
      const kernels = grid.getByRole('columnheader', { name: 'Kernels' })
      await kernels.scrollIntoViewIfNeeded()
      await expect(kernels).toBeInViewport()
      const kBox = await kernels.boundingBox()
      expect(kBox!.width).toBeGreaterThan(150)
      await expectInsideMain(page, 'image-selection')
      await region.evaluate((el) => el.scrollTo(0, 0))
    }
  })
})
