// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount } from '@vue/test-utils'
import ImagesView from '../../src/renderer/src/views/ImagesView.vue'
import type { CatalogueEntry } from '@shared/types'
import { catalogue, createFakeBridge, entry, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
})

/** One Ubuntu release on the given arches, GA kernel only. */
const release = (codename: string, title: string, arches: string[]): CatalogueEntry[] =>
  arches.map((arch) => entry({ release: codename, release_title: title, arch, subarch: 'ga-x' }))

function withEntries(entries: CatalogueEntry[]): void {
  bridge.getCatalogue.mockResolvedValue(catalogue({ entries }))
}

const rowOrder = (html: Element): string[] =>
  [...html.querySelectorAll('[data-testid^="release-row-ubuntu-"]')].map((r) =>
    (r.getAttribute('data-testid') ?? '').replace('release-row-ubuntu-', '')
  )

describe('Image picker', () => {
  it('lists LTS releases first under their own heading, then the others, newest first in each', async () => {
    withEntries([
      ...release('plucky', '25.04', ['amd64']),
      ...release('jammy', '22.04 LTS', ['amd64']),
      ...release('oracular', '24.10', ['amd64']),
      ...release('noble', '24.04 LTS', ['amd64'])
    ])
    const { wrapper } = await mountWith(ImagesView, bridge)
    const grid = wrapper.get('[data-testid="ubuntu-releases"]')
    expect(rowOrder(grid.element)).toEqual(['noble', 'jammy', 'plucky', 'oracular'])
    const groups = grid.findAll('tbody')
    expect(groups.map((g) => g.get('th[scope="rowgroup"]').text())).toEqual([
      'LTS releases',
      'Non-LTS releases'
    ])
    expect(groups[0].text()).toContain('24.04 LTS')
    expect(groups[1].text()).toContain('25.04')
  })

  it('shows an architecture a release lacks as a disabled box, with the reason in words', async () => {
    withEntries([
      ...release('noble', '24.04 LTS', ['amd64', 'arm64']),
      ...release('plucky', '25.04', ['amd64'])
    ])
    const { wrapper } = await mountWith(ImagesView, bridge)
    const missing = wrapper.get('[data-testid="image-unavailable-ubuntu-plucky-arm64"] input')
    expect(missing.attributes('disabled')).toBeDefined()
    const reason = wrapper.get(`#${missing.attributes('aria-describedby')}`)
    expect(reason.text()).toBe('arm64 is not available on 25.04')
    expect(reason.isVisible()).toBe(true)
    expect(wrapper.find('[data-testid="unavailable-ubuntu-noble"]').exists()).toBe(false)
  })

  it('gives "Other images" the same architecture columns as the Ubuntu grid', async () => {
    withEntries([
      ...release('noble', '24.04 LTS', ['amd64', 'arm64', 's390x']),
      entry({
        group: 'other',
        os: 'centos',
        release: 'centos70',
        release_title: 'CentOS 7',
        subarch: 'generic'
      })
    ])
    const { wrapper } = await mountWith(ImagesView, bridge)
    const heads = (testid: string) =>
      wrapper
        .get(`[data-testid="${testid}"]`)
        .findAll('th.selection-grid__arch')
        .map((th) => th.text())
    expect(heads('ubuntu-releases')).toEqual(['amd64', 'arm64', 's390x'])
    expect(heads('other-images')).toEqual(['amd64', 'arm64', 's390x'])
    expect(wrapper.get('[data-testid="unavailable-centos-centos70"]').text()).toBe(
      'arm64, s390x are not available on CentOS 7'
    )
  })

  it('offers a search once the stream lists more than a screenful, and it narrows the grids', async () => {
    const many = Array.from({ length: 13 }, (_, i) => release(`r${i}`, `${10 + i}.04`, ['amd64'])).flat()
    withEntries([...many, ...release('noble', '24.04 LTS', ['amd64'])])
    const { wrapper } = await mountWith(ImagesView, bridge)
    const search = wrapper.get('[data-testid="image-search"]')
    expect(wrapper.get(`label[for="${search.attributes('id')}"]`).text()).toBe('Search images')
    await search.setValue('noble')
    expect(rowOrder(wrapper.get('[data-testid="ubuntu-releases"]').element)).toEqual(['noble'])
    expect(wrapper.get('[data-testid="image-search-count"]').text()).toBe('Showing 1 of 14 releases.')
    await search.setValue('nothing-like-this')
    expect(wrapper.get('[data-testid="image-search-count"]').text()).toContain('No image matches')
  })

  it('offers no search for a short list', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.find('[data-testid="ubuntu-releases"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="image-search"]').exists()).toBe(false)
  })
})

describe('long release names', () => {
  it('end in an ellipsis, with the whole name a tooltip that hover and Tab reach', async () => {
    const bridge = createFakeBridge()
    const long = 'Rocky Linux 9 (Blue Onyx) with the long-term enterprise kernel'
    bridge.getCatalogue.mockResolvedValue(
      catalogue({
        entries: [
          ...catalogue().entries,
          entry({ group: 'other', os: 'rocky', release: 'rocky9', release_title: long, subarch: 'generic' })
        ]
      })
    )
    const { wrapper } = await mountWith(ImagesView, bridge)
    const name = wrapper.get('[data-testid="release-name-rocky-rocky9"]')
    expect(name.attributes('tabindex')).toBe('0')
    expect(name.get('.selection-grid__name').text()).toBe(long)
    const tip = wrapper.get(`#${name.attributes('aria-describedby')}`)
    expect(tip.attributes('role')).toBe('tooltip')
    expect(tip.text()).toBe(long)
    // a short name stays plain text
    expect(wrapper.find('[data-testid="release-name-ubuntu-noble"]').exists()).toBe(false)
  })
})
