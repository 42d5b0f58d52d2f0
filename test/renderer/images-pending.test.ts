// @vitest-environment happy-dom
/**
 * The Images page as MAAS shows pending changes: "Selected for download" and "Will be deleted" rows,
 * Save and sync, the locks while an import runs, and the default commissioning release's protection.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BridgeError } from '@shared/bridge-client'
import { enableAutoUnmount, flushPromises, type VueWrapper } from '@vue/test-utils'
import ImagesView from '../../src/renderer/src/views/ImagesView.vue'
import { DELETE_LOCKED_WHILE_IMPORTING, SOURCE_LOCKED_WHILE_IMPORTING } from '@shared/import-locks'
import type { BootResource, ImportStatus } from '@shared/types'
import { createFakeBridge, defaultSettings, selection, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
})

const synced = (
  id: number,
  release: string,
  arch: string,
  over: Partial<BootResource> = {}
): BootResource => ({
  id,
  type: 'Synced',
  name: `ubuntu/${release}`,
  architecture: `${arch}/ga-24.04`,
  subarches: 'generic',
  title: release,
  last_deployed: null,
  status: 'Synced',
  version: '20250805',
  size: 100_000_000,
  last_synced: '2025-08-05T10:00:00.000Z',
  source_id: 1,
  ...over
})

const status = (importing: boolean): ImportStatus => ({
  importing,
  progress: null,
  last_result: null,
  next_sync_at: null
})

const box = (w: VueWrapper, id: string) => w.get(`[data-testid="image-checkbox-${id}"] input`)
const statusOf = (w: VueWrapper, id: number) => w.get(`[data-testid="resource-status-${id}"]`).text()

describe('pending changes in the images table', () => {
  it('a ticked image that is not synced gets a "Selected for download" row whose × unticks it', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    // noble amd64 is selected (first run) but nothing is synced: it is pending already.
    expect(wrapper.get('[data-testid="pending-row-ubuntu-noble-amd64"]').text()).toContain(
      'Selected for download'
    )
    expect(wrapper.find('[data-testid="pending-row-ubuntu-jammy-arm64"]').exists()).toBe(false)

    await box(wrapper, 'ubuntu-jammy-arm64').setValue(true)
    const row = wrapper.get('[data-testid="pending-row-ubuntu-jammy-arm64"]')
    expect(row.text()).toContain('22.04 LTS')
    expect(row.text()).toContain('Selected for download')

    await row.get('[data-testid="pending-clear-ubuntu-jammy-arm64"]').trigger('click')
    expect(wrapper.find('[data-testid="pending-row-ubuntu-jammy-arm64"]').exists()).toBe(false)
    expect((box(wrapper, 'ubuntu-jammy-arm64').element as HTMLInputElement).checked).toBe(false)
    // Back to the saved state: nothing left to save.
    expect(wrapper.find('[data-testid="save-selection"]').exists()).toBe(false)
  })

  it('an unticked synced image reads "Will be deleted", before and after saving, until a sync removes it', async () => {
    bridge.listSelections.mockResolvedValue([
      selection({ id: 1, release: 'noble', arches: ['amd64'] }),
      selection({ id: 2, release: 'jammy', arches: ['amd64'] })
    ])
    bridge.listBootResources.mockResolvedValue([synced(7, 'noble', 'amd64'), synced(8, 'jammy', 'amd64')])
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(statusOf(wrapper, 8)).toContain('Synced')

    await box(wrapper, 'ubuntu-jammy-amd64').setValue(false)
    expect(statusOf(wrapper, 8)).toContain('Will be deleted')
    expect(statusOf(wrapper, 7)).toContain('Synced')

    await wrapper.get('[data-testid="discard-selection"]').trigger('click')
    expect(statusOf(wrapper, 8)).toContain('Synced')

    // Saved: the selection is gone, so the next (maybe automatic) sync deletes the image.
    await box(wrapper, 'ubuntu-jammy-amd64').setValue(false)
    bridge.listSelections.mockResolvedValue([selection({ id: 1, release: 'noble', arches: ['amd64'] })])
    await wrapper.get('[data-testid="save-selection"]').trigger('click')
    await flushPromises()
    expect(bridge.applySelectionChanges).toHaveBeenCalledWith({
      boot_source_id: 1,
      delete: [2],
      update: [],
      create: []
    })
    expect(statusOf(wrapper, 8)).toContain('Will be deleted')
  })

  it('an image another source still selects is not marked "Will be deleted"', async () => {
    bridge.listBootSources.mockResolvedValue([
      { ...(await bridge.listBootSources())[0] },
      {
        id: 2,
        url: 'http://mirror.internal/maas/',
        keyring_filename: '/k.gpg',
        keyring_data: '',
        created: '2025-08-01T10:00:00.000Z',
        updated: '2025-08-01T10:00:00.000Z'
      }
    ])
    bridge.listSelections.mockImplementation(async ({ boot_source_id }) =>
      boot_source_id === 1
        ? [selection({ id: 1, release: 'noble', arches: ['amd64'] }), selection({ id: 2, release: 'jammy' })]
        : [selection({ id: 3, boot_source_id: 2, release: 'jammy', arches: ['*'] })]
    )
    bridge.listBootResources.mockResolvedValue([synced(8, 'jammy', 'amd64')])
    const { wrapper } = await mountWith(ImagesView, bridge)
    await box(wrapper, 'ubuntu-jammy-amd64').setValue(false)
    expect(statusOf(wrapper, 8)).toContain('Synced')
  })
})

describe('Save and sync', () => {
  it('saves the whole change in one request, then asks main to restart the import', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    await box(wrapper, 'ubuntu-jammy-amd64').setValue(true)
    expect(wrapper.get('[data-testid="save-selection"]').text()).toBe('Save and sync')
    await wrapper.get('[data-testid="save-selection"]').trigger('click')
    await flushPromises()
    expect(bridge.applySelectionChanges).toHaveBeenCalledTimes(1)
    expect(bridge.restartImport).toHaveBeenCalledTimes(1)
    expect(bridge.applySelectionChanges.mock.invocationCallOrder[0]).toBeLessThan(
      bridge.restartImport.mock.invocationCallOrder[0]
    )
    expect(wrapper.get('[data-testid="selection-saved"]').text()).toContain('Sync started')
    // The new import runs: the page says so without waiting for its first progress event.
    expect(wrapper.find('[data-testid="stop-import-button"]').exists()).toBe(true)
  })

  it('leaves stopping a running import and waiting for it to main: no stop, no polling from the page', async () => {
    bridge.getImportStatus.mockResolvedValue(status(true))
    const { wrapper } = await mountWith(ImagesView, bridge)
    await box(wrapper, 'ubuntu-jammy-amd64').setValue(true)
    const statusReads = bridge.getImportStatus.mock.calls.length
    await wrapper.get('[data-testid="save-selection"]').trigger('click')
    await flushPromises()
    expect(bridge.restartImport).toHaveBeenCalledTimes(1)
    expect(bridge.stopImport).not.toHaveBeenCalled()
    expect(bridge.startImport).not.toHaveBeenCalled()
    expect(bridge.getImportStatus.mock.calls.length).toBe(statusReads)
    expect(wrapper.get('[data-testid="selection-saved"]').text()).toContain('Sync started')
  })

  it('says the selection was saved but the sync did not start when main refuses', async () => {
    // As main does: a restart whose old import does not end rejects with the reason (busy).
    bridge.restartImport.mockRejectedValue(
      new BridgeError(
        'busy',
        'the running import of boot resources did not end within 30 s of being asked to stop; try again once it has'
      )
    )
    const { wrapper } = await mountWith(ImagesView, bridge)
    await box(wrapper, 'ubuntu-jammy-amd64').setValue(true)
    await wrapper.get('[data-testid="save-selection"]').trigger('click')
    await flushPromises()
    const notice = wrapper.get('.p-notification--negative').text()
    expect(notice).toContain('Selection saved (1 added).')
    expect(notice).toContain(
      'The sync did not start: the running import of boot resources did not end within 30 s'
    )
  })

  it('keeps a plain Sync button for "check for new versions now"', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    await wrapper.get('[data-testid="sync-button"]').trigger('click')
    await flushPromises()
    expect(bridge.startImport).toHaveBeenCalledTimes(1)
    expect(bridge.applySelectionChanges).not.toHaveBeenCalled()
    expect(bridge.createSelection).not.toHaveBeenCalled()
  })
})

describe('locks while an import runs', () => {
  it("disables Change source and Delete with MAAS's reasons; bootloaders have no Delete", async () => {
    bridge.getImportStatus.mockResolvedValue(status(true))
    bridge.listBootResources.mockResolvedValue([
      synced(7, 'noble', 'amd64'),
      synced(9, 'x', 'amd64', {
        name: 'grub-efi-signed/uefi',
        architecture: 'amd64/generic',
        bootloader: true
      })
    ])
    const { wrapper } = await mountWith(ImagesView, bridge)
    const change = wrapper.get('[data-testid="change-source-link"]')
    expect(change.element.tagName).toBe('BUTTON')
    expect(change.attributes('disabled')).toBeDefined()
    // The reason is a focusable info button beside the lock (Tab reaches it), described by the words.
    const why = wrapper.get('[data-testid="change-source-why"]')
    expect(why.element.tagName).toBe('BUTTON')
    expect(why.attributes('disabled')).toBeUndefined()
    expect(wrapper.get(`#${why.attributes('aria-describedby')}`).text()).toBe(SOURCE_LOCKED_WHILE_IMPORTING)
    const del = wrapper.get('[data-testid="resource-delete-7"]')
    expect(del.attributes('disabled')).toBeDefined()
    const delWhy = wrapper.get('[data-testid="resource-delete-why-7"]')
    expect(delWhy.attributes('disabled')).toBeUndefined()
    expect(wrapper.get(`#${delWhy.attributes('aria-describedby')}`).text()).toBe(
      DELETE_LOCKED_WHILE_IMPORTING
    )
    expect(wrapper.find('[data-testid="resource-delete-9"]').exists()).toBe(false)

    // The import ends: both unlock.
    bridge.emit('importFinished', {
      ok: true,
      started_at: '2025-08-05T10:00:00Z',
      finished_at: '2025-08-05T10:05:00Z',
      downloaded_bytes: 0,
      failures: [],
      notes: [],
      stopped: false
    })
    await flushPromises()
    expect(wrapper.get('[data-testid="change-source-link"]').element.tagName).toBe('A')
    expect(wrapper.get('[data-testid="resource-delete-7"]').attributes('disabled')).toBeUndefined()
  })
})

describe('the default commissioning release', () => {
  it('is marked, and its last ticked architecture cannot be unticked', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.get('[data-testid="commissioning-ubuntu-noble"]').text()).toBe(
      'Default commissioning release'
    )
    expect(wrapper.find('[data-testid="commissioning-ubuntu-jammy"]').exists()).toBe(false)
    const amd64 = box(wrapper, 'ubuntu-noble-amd64')
    expect(amd64.attributes('disabled')).toBeDefined()
    expect(amd64.attributes('title')).toContain('Cannot deselect the last architecture')
    // Its pending row's × is locked the same way.
    const clear = wrapper.get('[data-testid="pending-clear-ubuntu-noble-amd64"]')
    expect(clear.attributes('disabled')).toBeDefined()
    expect(clear.attributes('title')).toContain('Cannot deselect the last architecture')

    // With arm64 ticked too, either may go, but not both.
    await box(wrapper, 'ubuntu-noble-arm64').setValue(true)
    expect(box(wrapper, 'ubuntu-noble-amd64').attributes('disabled')).toBeUndefined()
    await box(wrapper, 'ubuntu-noble-amd64').setValue(false)
    expect(box(wrapper, 'ubuntu-noble-arm64').attributes('disabled')).toBeDefined()
  })

  it('follows the commissioning_distro_series setting', async () => {
    bridge.getSettings.mockResolvedValue({ ...defaultSettings(), commissioning_distro_series: 'jammy' })
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.find('[data-testid="commissioning-ubuntu-noble"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="commissioning-ubuntu-jammy"]').exists()).toBe(true)
    // noble is no longer protected.
    expect(box(wrapper, 'ubuntu-noble-amd64').attributes('disabled')).toBeUndefined()
  })

  it('warns before deleting its images, and only its images', async () => {
    bridge.listSelections.mockResolvedValue([
      selection({ id: 1, release: 'noble', arches: ['amd64'] }),
      selection({ id: 2, release: 'jammy', arches: ['amd64'] })
    ])
    bridge.listBootResources.mockResolvedValue([synced(7, 'noble', 'amd64'), synced(8, 'jammy', 'amd64')])
    const { wrapper } = await mountWith(ImagesView, bridge)
    await wrapper.get('[data-testid="resource-delete-7"]').trigger('click')
    expect(wrapper.get('[data-testid="commissioning-delete-warning"]').text()).toContain(
      'Machine commissioning will fail'
    )
    await wrapper.get('[data-testid="confirm-cancel"]').trigger('click')
    await wrapper.get('[data-testid="resource-delete-8"]').trigger('click')
    expect(wrapper.find('[data-testid="delete-resource-dialog"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="commissioning-delete-warning"]').exists()).toBe(false)
  })
})

describe('automatic sync on the Images page', () => {
  it("switches it off with MAAS's caution banner, and names the real interval in its tooltip", async () => {
    bridge.getSettings.mockResolvedValue({ ...defaultSettings(), sync_interval_minutes: 30 })
    bridge.updateSettings.mockImplementation(async (patch) => ({
      ...defaultSettings(),
      sync_interval_minutes: 30,
      auto_sync: patch.auto_sync ?? true
    }))
    const { wrapper } = await mountWith(ImagesView, bridge)
    const sw = wrapper.get('[data-testid="images-auto-sync"]')
    expect((sw.element as HTMLInputElement).checked).toBe(true)
    expect(sw.attributes('title')).toContain('every 30 minutes')
    expect(wrapper.find('[data-testid="auto-sync-off"]').exists()).toBe(false)

    await sw.setValue(false)
    await flushPromises()
    expect(bridge.updateSettings).toHaveBeenCalledWith({ auto_sync: false })
    expect(wrapper.get('[data-testid="auto-sync-off"]').text()).toContain(
      'Automatic image updates are disabled'
    )
  })

  it('says "hourly" at MAAS\'s default interval', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.get('[data-testid="images-auto-sync"]').attributes('title')).toContain(
      'Enables hourly image updates'
    )
  })
})

describe('several sources on the Images page', () => {
  const mirror = 'http://mirror.internal/maas/'
  beforeEach(() => {
    bridge.listBootSources.mockResolvedValue([
      {
        id: 1,
        url: 'https://images.maas.io/ephemeral-v3/stable/',
        keyring_filename: '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg',
        keyring_data: '',
        created: '2025-08-01T10:00:00.000Z',
        updated: '2025-08-01T10:00:00.000Z'
      },
      {
        id: 2,
        url: mirror,
        keyring_filename: '/k.gpg',
        keyring_data: '',
        created: '2025-08-01T10:00:00.000Z',
        updated: '2025-08-01T10:00:00.000Z'
      }
    ])
  })

  it("says so, names each image's source, and lets the admin choose which source the grid edits", async () => {
    bridge.listBootResources.mockResolvedValue([synced(7, 'noble', 'amd64', { source_id: 2 })])
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.get('[data-testid="several-sources"]').text()).toContain('There are 2 boot sources')
    expect(wrapper.get('[data-testid="resource-source-7"]').text()).toBe(`from ${mirror}`)
    expect(bridge.getCatalogue).toHaveBeenLastCalledWith(
      { boot_source_id: 1 },
      { requestId: expect.any(String) }
    )

    await wrapper.get('[data-testid="edited-source"]').setValue('2')
    await flushPromises()
    expect(bridge.getCatalogue).toHaveBeenLastCalledWith(
      { boot_source_id: 2 },
      { requestId: expect.any(String) }
    )
    expect(wrapper.get('[data-testid="source-url"]').text()).toBe(mirror)
    // Change source edits the first source: this one is edited on Sources.
    expect(wrapper.find('[data-testid="change-source-link"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="edit-on-sources-link"]').attributes('href')).toBe('/sources')
  })

  it('says nothing about sources when there is one', async () => {
    bridge.listBootSources.mockResolvedValue([(await bridge.listBootSources())[0]])
    bridge.listBootResources.mockResolvedValue([synced(7, 'noble', 'amd64')])
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.find('[data-testid="several-sources"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="resource-source-7"]').exists()).toBe(false)
  })
})
