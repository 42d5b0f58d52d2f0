// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount } from '@vue/test-utils'
import ImagesView from '../../src/renderer/src/views/ImagesView.vue'
import type { BootResource } from '@shared/types'
import { createFakeBridge, selection, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
})

const resource = (id: number, name: string, title: string, arch: string, size: number): BootResource => ({
  id,
  type: 'Synced',
  name,
  architecture: `${arch}/ga-x`,
  subarches: 'generic',
  title,
  last_deployed: null,
  status: 'Synced',
  sets: {
    '20250805': { version: '20250805', label: 'stable', size, complete: true, progress: 100, files: {} }
  }
})

const ubuntuRows = (html: Element): string[] =>
  [...html.querySelectorAll('tbody tr[data-image^="ubuntu-"]')].map((r) => r.getAttribute('data-image') ?? '')

describe('Boot resources table: sortable columns', () => {
  beforeEach(() => {
    bridge.listSelections.mockResolvedValue([
      selection({ release: 'noble', arches: ['amd64', 'arm64'] }),
      selection({ id: 2, release: 'jammy', arches: ['amd64'] })
    ])
    bridge.listBootResources.mockResolvedValue([
      resource(1, 'ubuntu/noble', '24.04 LTS', 'amd64', 300),
      resource(2, 'ubuntu/noble', '24.04 LTS', 'arm64', 100),
      resource(3, 'ubuntu/jammy', '22.04 LTS', 'amd64', 200)
    ])
  })

  it('sorts by a column with a keyboard-reachable button, says so with aria-sort, and flips on a second click', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    const table = wrapper.get('[data-testid="resources-table"]')
    expect(ubuntuRows(table.element)).toEqual([
      'ubuntu-noble-amd64',
      'ubuntu-noble-arm64',
      'ubuntu-jammy-amd64'
    ])
    const size = table.get('[data-testid="sort-size"]')
    expect(size.element.tagName).toBe('BUTTON')
    expect(size.text()).toBe('Size')
    const head = size.element.closest('th')!
    expect(head.getAttribute('aria-sort')).toBe('none')

    await size.trigger('click')
    expect(head.getAttribute('aria-sort')).toBe('ascending')
    expect(ubuntuRows(table.element)).toEqual([
      'ubuntu-noble-arm64',
      'ubuntu-jammy-amd64',
      'ubuntu-noble-amd64'
    ])

    await size.trigger('click')
    expect(head.getAttribute('aria-sort')).toBe('descending')
    expect(ubuntuRows(table.element)).toEqual([
      'ubuntu-noble-amd64',
      'ubuntu-jammy-amd64',
      'ubuntu-noble-arm64'
    ])

    await table.get('[data-testid="sort-release"]').trigger('click')
    expect(head.getAttribute('aria-sort')).toBe('none')
    expect(table.get('[data-testid="sort-release"]').element.closest('th')!.getAttribute('aria-sort')).toBe(
      'ascending'
    )
    expect(ubuntuRows(table.element)).toEqual([
      'ubuntu-jammy-amd64',
      'ubuntu-noble-amd64',
      'ubuntu-noble-arm64'
    ])
  })

  it('draws every row, section heading and head from one column list: no row has a cell more or less', async () => {
    // A pending row too: "Selected for download" rows draw their cells from the same list.
    bridge.listSelections.mockResolvedValue([
      selection({ release: 'noble', arches: ['amd64', 'arm64'] }),
      selection({ id: 2, release: 'jammy', arches: ['amd64', 'arm64'] })
    ])
    const { wrapper } = await mountWith(ImagesView, bridge)
    const table = wrapper.get('[data-testid="resources-table"]').element
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim())
    expect(heads).toEqual(['Release', 'Architecture', 'Size', 'Status', 'Version', 'Last synced', 'Actions'])
    expect(table.querySelector('[data-testid="pending-row-ubuntu-jammy-arm64"]')).not.toBeNull()
    for (const row of table.querySelectorAll('tbody tr')) {
      const section = row.querySelector('th[scope="colgroup"]')
      if (section) expect(section.getAttribute('colspan')).toBe(String(heads.length))
      else expect(row.querySelectorAll('td')).toHaveLength(heads.length)
    }
    const pending = table.querySelector('[data-testid="pending-row-ubuntu-jammy-arm64"]')!
    expect([...pending.querySelectorAll('td')].map((td) => td.textContent!.trim()).slice(1, 6)).toEqual([
      'arm64',
      '—',
      'Selected for download',
      '—',
      '—'
    ])
  })
})
