// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import ImagesView from '../../src/renderer/src/views/ImagesView.vue'
import { BridgeError } from '@shared/bridge-client'
import type { BootResource } from '@shared/types'
import {
  catalogue,
  createFakeBridge,
  defaultSettings,
  selection,
  source,
  type FakeBridge
} from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
})

const resource = (over: Partial<BootResource> = {}): BootResource => ({
  id: 7,
  type: 'Synced',
  name: 'ubuntu/noble',
  architecture: 'amd64/ga-24.04',
  subarches: 'generic,ga-24.04',
  title: '24.04 LTS',
  last_deployed: null,
  status: 'Synced',
  sets: {
    '20250805': {
      version: '20250805',
      label: 'stable',
      size: 512_000_000,
      complete: true,
      progress: 100,
      files: {}
    }
  },
  ...over
})

describe('Images: source', () => {
  it('shows the current source URL and keyring read through the bridge', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.find('h1').text()).toBe('Images')
    expect(wrapper.get('[data-testid="source-url"]').text()).toBe(
      'https://images.maas.io/ephemeral-v3/stable/'
    )
    expect(wrapper.get('[data-testid="source-keyring"]').text()).toBe(
      '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg'
    )
    expect(wrapper.find('[data-testid="no-source-notice"]').exists()).toBe(false)
  })

  it('shows the Change source form itself when there is no source, not empty fields', async () => {
    bridge.listBootSources.mockResolvedValue([])
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.find('[data-testid="source-url"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="source-keyring"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="no-source-notice"]').text()).toContain('No boot source')
    const form = wrapper.get('[data-testid="no-source-form"]')
    expect(form.get('h2').text()).toBe('Choose a source')
    expect(form.find('[data-testid="connect-button"]').exists()).toBe(true)
    expect((form.get('[data-testid="stream-stable"] input').element as HTMLInputElement).checked).toBe(true)
    expect(bridge.getCatalogue).not.toHaveBeenCalled()
    expect(wrapper.find('[data-testid="save-selection"]').exists()).toBe(false)
    // Nothing to sync from: Sync is disabled with the reason, and no automatic sync is announced.
    expect(wrapper.get('[data-testid="sync-button"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="sync-button"]').attributes('title')).toContain('no boot source')
    expect(wrapper.find('[data-testid="next-sync"]').exists()).toBe(false)
  })

  it('Connect from the no-source form saves nothing; Update selection creates the source and Images takes over', async () => {
    bridge.listBootSources.mockResolvedValue([])
    const { wrapper } = await mountWith(ImagesView, bridge)
    await wrapper.get('[data-testid="no-source-form"] form').trigger('submit')
    await flushPromises()
    expect(bridge.connectSource).toHaveBeenCalledWith(
      { url: 'https://images.maas.io/ephemeral-v3/stable/' },
      { requestId: expect.any(String) }
    )
    expect(bridge.createBootSource).not.toHaveBeenCalled()
    // still no source: the picker of what Connect verified is shown inside the form's card
    expect(wrapper.find('[data-testid="no-source-form"]').exists()).toBe(true)
    await wrapper.get('[data-testid="image-checkbox-ubuntu-noble-amd64"] input').setValue(true)
    bridge.listBootSources.mockResolvedValue([source()])
    await wrapper.get('[data-testid="save-selection"]').trigger('click')
    await flushPromises()
    expect(bridge.saveConnectedSource).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-testid="no-source-form"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="source-url"]').text()).toBe(
      'https://images.maas.io/ephemeral-v3/stable/'
    )
    expect(wrapper.find('[data-testid="ubuntu-releases"]').exists()).toBe(true)
  })

  it('marks a .json source as unverified', async () => {
    const url = 'http://mirror.internal/streams/v1/index.json'
    bridge.listBootSources.mockResolvedValue([source({ url })])
    bridge.getCatalogue.mockResolvedValue(catalogue({ url, verified: false }))
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.get('[data-testid="unverified-notice"]').text()).toContain('without signature checks')
  })

  it('shows the error when sources cannot be read, instead of claiming there is no source', async () => {
    bridge.listBootSources.mockRejectedValue(new BridgeError('io', 'state.json: permission denied'))
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.get('[role="alert"]').text()).toContain('state.json: permission denied')
    expect(wrapper.find('[data-testid="no-source-notice"]').exists()).toBe(false)
  })
})

describe('Images: selection', () => {
  it('builds the release × arch table from the catalogue and ticks the selected cells', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(bridge.getCatalogue).toHaveBeenCalledWith({ boot_source_id: 1 }, { requestId: expect.any(String) })
    const box = (id: string) =>
      wrapper.get(`[data-testid="image-checkbox-${id}"] input`).element as HTMLInputElement
    expect(box('ubuntu-noble-amd64').checked).toBe(true)
    expect(box('ubuntu-noble-arm64').checked).toBe(false)
    expect(box('ubuntu-jammy-amd64').checked).toBe(false)
    // Newest release first, with its kernels labelled as MAAS does.
    const rows = wrapper.findAll('[data-testid="ubuntu-releases"] tbody tr[data-testid^="release-row-"]')
    expect(rows[0].text()).toContain('24.04 LTS')
    expect(rows[0].text()).toContain('GA')
    expect(rows[0].text()).toContain('HWE edge')
    // The kind is the chip's lead; its value does not repeat it ("GA: ga-24.04").
    expect(rows[0].text()).not.toContain('ga-24.04')
    expect(wrapper.get('[data-testid="other-images"]').text()).toContain('CentOS 7')
    expect(wrapper.get('[data-testid="bootloaders-note"]').text()).toContain('grub-efi-signed (uefi): amd64')
    // Nothing to save: no Save and sync button claiming otherwise.
    expect(wrapper.find('[data-testid="save-selection"]').exists()).toBe(false)
  })

  it('saves ticks as one selection per release: deletes, updates and creates', async () => {
    bridge.listSelections.mockResolvedValue([
      selection({ id: 1, release: 'noble', arches: ['amd64'] }),
      selection({ id: 2, release: 'jammy', arches: ['amd64'], subarches: ['hwe-22.04'] })
    ])
    // noble may be unselected only because it is not the commissioning release here.
    bridge.getSettings.mockResolvedValue({ ...defaultSettings(), commissioning_distro_series: 'focal' })
    const { wrapper } = await mountWith(ImagesView, bridge)

    await wrapper.get('[data-testid="image-checkbox-ubuntu-noble-amd64"] input').setValue(false)
    await wrapper.get('[data-testid="image-checkbox-ubuntu-jammy-arm64"] input').setValue(true)
    await wrapper.get('[data-testid="image-checkbox-centos-centos70-amd64"] input').setValue(true)
    expect(wrapper.find('[data-testid="selection-dirty"]').exists()).toBe(true)
    await wrapper.get('[data-testid="save-selection"]').trigger('click')
    await flushPromises()

    // One request: main applies the delete, the update and the create together, or none of them.
    expect(bridge.applySelectionChanges).toHaveBeenCalledTimes(1)
    expect(bridge.applySelectionChanges).toHaveBeenCalledWith({
      boot_source_id: 1,
      delete: [1],
      // An existing selection keeps its subarches; only its arches change.
      update: [{ id: 2, arches: ['amd64', 'arm64'] }],
      create: [{ os: 'centos', release: 'centos70', arches: ['amd64'], subarches: ['*'], labels: ['*'] }]
    })
    expect(bridge.createSelection).not.toHaveBeenCalled()
    expect(bridge.updateSelection).not.toHaveBeenCalled()
    expect(bridge.deleteSelection).not.toHaveBeenCalled()
    expect(wrapper.get('[data-testid="selection-saved"]').text()).toContain(
      'Selection saved (1 added, 1 changed, 1 removed). Sync started.'
    )
  })

  it('shows a refused save in a negative notification, keeps the ticks and starts no sync', async () => {
    bridge.applySelectionChanges.mockRejectedValue(
      new BridgeError('conflict', 'selection ubuntu/jammy already exists')
    )
    const { wrapper } = await mountWith(ImagesView, bridge)
    await wrapper.get('[data-testid="image-checkbox-ubuntu-jammy-amd64"] input').setValue(true)
    await wrapper.get('[data-testid="save-selection"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('.p-notification--negative').text()).toContain('Selection ubuntu/jammy already exists')
    expect(bridge.restartImport).not.toHaveBeenCalled()
    expect(bridge.startImport).not.toHaveBeenCalled()
    // Main changed nothing: the admin's tick is still there to save again.
    const jammy = wrapper.get('[data-testid="image-checkbox-ubuntu-jammy-amd64"] input')
    expect((jammy.element as HTMLInputElement).checked).toBe(true)
    expect(wrapper.find('[data-testid="save-selection"]').exists()).toBe(true)
  })

  it('shows the catalogue error and still lists what is selected', async () => {
    bridge.getCatalogue.mockRejectedValue(new BridgeError('internal', 'stream reading is not wired yet'))
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.get('.p-notification--negative').text()).toContain('Stream reading is not wired yet')
    expect(wrapper.get('[data-testid="selections-fallback"]').text()).toContain('Ubuntu noble for amd64')
    expect(wrapper.get('[data-testid="source-url"]').text()).toBe(
      'https://images.maas.io/ephemeral-v3/stable/'
    )
  })
})

describe('Images: resources and import', () => {
  it('lists boot resources with size, status and version', async () => {
    bridge.listSelections.mockResolvedValue([selection({ arches: ['amd64', 'arm64'] })])
    bridge.listBootResources.mockResolvedValue([
      resource(),
      resource({ id: 8, architecture: 'arm64/ga-24.04', status: 'Failed: checksum mismatch', sets: {} })
    ])
    const { wrapper } = await mountWith(ImagesView, bridge)
    const row = wrapper.get('[data-testid="resource-row-7"]')
    expect(row.text()).toContain('24.04 LTS')
    expect(row.text()).toContain('noble · GA 24.04')
    expect(row.text()).toContain('amd64')
    expect(row.text()).toContain('512 MB')
    expect(row.text()).toContain('Synced')
    expect(row.text()).toContain('20250805')
    expect(wrapper.get('[data-testid="resource-row-8"]').text()).toContain(
      'Failed: file does not match the stream'
    )
  })

  it('confirms a resource delete, explaining that unselecting is what stops it coming back', async () => {
    bridge.listBootResources.mockResolvedValue([resource()])
    const { wrapper } = await mountWith(ImagesView, bridge)
    await wrapper.get('[data-testid="resource-delete-7"]').trigger('click')
    const dialog = wrapper.get('[data-testid="delete-resource-dialog"]')
    expect(dialog.text()).toContain('does not unselect')
    expect(dialog.text()).toContain('Save and sync')
    expect(bridge.deleteBootResource).not.toHaveBeenCalled()
    bridge.listBootResources.mockResolvedValue([])
    await dialog.get('[data-testid="confirm-ok"]').trigger('click')
    await flushPromises()
    expect(bridge.deleteBootResource).toHaveBeenCalledWith({ id: 7 })
    expect(wrapper.find('[data-testid="resource-row-7"]').exists()).toBe(false)
  })

  it('Sync starts an import, progress events drive the panel, Stop import stops it', async () => {
    bridge.listBootResources.mockResolvedValue([resource({ status: 'Queued for download' })])
    const { wrapper } = await mountWith(ImagesView, bridge)
    await wrapper.get('[data-testid="sync-button"]').trigger('click')
    await flushPromises()
    expect(bridge.startImport).toHaveBeenCalledTimes(1)

    bridge.emit('importProgress', {
      importing: true,
      phase: 'downloading',
      bytes_done: 250_000_000,
      bytes_total: 1_000_000_000,
      rate: 12_500_000,
      eta: 200,
      files_done: 3,
      files_total: 22,
      resources: [
        {
          id: 7,
          name: 'ubuntu/noble',
          architecture: 'amd64/ga-24.04',
          percent: 45,
          status: 'Downloading 45%'
        }
      ]
    })
    await flushPromises()
    const panel = wrapper.get('[data-testid="import-progress"]')
    expect(panel.get('[data-testid="import-rate"]').text()).toBe('12.5 MB/s')
    expect(panel.get('[data-testid="import-eta"]').text()).toBe('3 min 20 s')
    expect(panel.get('[data-testid="import-bytes"]').text()).toContain('250 MB of 1.0 GB')
    expect(panel.get('[data-testid="import-files"]').text()).toBe('3 of 22')
    expect(panel.get('[data-testid="import-percent"]').text()).toBe('25%')
    expect(wrapper.get('[data-testid="resource-status-7"]').text()).toContain('Downloading 45%')

    await wrapper.get('[data-testid="stop-import-button"]').trigger('click')
    await flushPromises()
    expect(bridge.stopImport).toHaveBeenCalledTimes(1)
  })

  it('lists every failure of the last import when it finishes', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    bridge.emit('importFinished', {
      ok: false,
      started_at: '2025-08-05T10:00:00Z',
      finished_at: '2025-08-05T10:05:00Z',
      downloaded_bytes: 1_000_000,
      failures: [
        {
          resource: 'ubuntu/noble amd64/ga-24.04',
          code: 'checksum',
          message: 'checksum mismatch: noble squashfs expected aa got bb'
        },
        {
          file: 'http://m/x/boot-kernel',
          code: 'http_status',
          message: '404 Not Found: http://m/x/boot-kernel'
        }
      ],
      notes: [],
      stopped: false
    })
    await flushPromises()
    const result = wrapper.get('[data-testid="last-import-result"]')
    expect(result.text()).toContain('2 failures')
    const items = result.findAll('[data-testid="import-failures"] li')
    expect(items).toHaveLength(2)
    expect(items[0].text()).toContain('checksum mismatch')
    expect(items[1].text()).toContain('404 Not Found')
  })

  it('a failed image says Failed and a short reason in its cell; the whole text once per file in the list', async () => {
    const url = 'https://mirror.example/maas/images/ubuntu/noble/amd64/20250801/squashfs'
    const whole = `signed digest did not match for ${url}: expected sha256 aa…, got bb…`
    bridge.listBootResources.mockResolvedValue([
      resource({ id: 8, architecture: 'amd64/ga-24.04', status: `Failed: ${whole}`, sets: {} }),
      resource({ id: 9, architecture: 'amd64/hwe-24.04', status: `Failed: ${whole}`, sets: {} })
    ])
    const { wrapper } = await mountWith(ImagesView, bridge)
    bridge.emit('importFinished', {
      ok: false,
      started_at: '2025-08-05T10:00:00Z',
      finished_at: '2025-08-05T10:05:00Z',
      downloaded_bytes: 0,
      failures: [
        { resource: 'ubuntu/noble amd64/ga-24.04', file: url, code: 'checksum', message: whole },
        { resource: 'ubuntu/noble amd64/hwe-24.04', file: url, code: 'checksum', message: whole }
      ],
      notes: [],
      stopped: false
    })
    await flushPromises()
    const row = wrapper.get('[data-testid="resource-row-8"]')
    expect(row.text()).toContain('Failed: signature check failed')
    expect(row.text()).not.toContain(url)
    const items = wrapper.findAll('[data-testid="import-failure"]')
    expect(items).toHaveLength(1)
    expect(wrapper.get('[data-testid="last-import-result"]').text()).toContain('1 failure')
    // the file, then the kernels it served, then the whole message: separate words, not run together
    expect(items[0].text()).toContain(
      `${url} (for ubuntu/noble amd64/ga-24.04, ubuntu/noble amd64/hwe-24.04)`
    )
    // the URL is named once, first; the message says "the file" for it
    expect(items[0].text().split(url)).toHaveLength(2)
    expect(items[0].text()).toContain('signed digest did not match for the file: expected sha256')
  })

  it('shows why Sync was refused', async () => {
    bridge.startImport.mockRejectedValue(new BridgeError('busy', 'another import is running (pid 4242)'))
    const { wrapper } = await mountWith(ImagesView, bridge)
    await wrapper.get('[data-testid="sync-button"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('Another import is running (pid 4242)')
  })

  it('shows the next automatic sync and follows schedule changes', async () => {
    bridge.getImportStatus.mockResolvedValue({
      importing: false,
      progress: null,
      last_result: null,
      next_sync_at: '2025-08-05T11:00:00.000Z'
    })
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.get('[data-testid="next-sync"]').text()).toContain('Next automatic sync at')
    bridge.emit('syncScheduleChanged', { next_sync_at: null })
    await flushPromises()
    expect(wrapper.get('[data-testid="next-sync"]').text()).toContain('No automatic sync is scheduled')
  })
})

describe('Images: signatures', () => {
  it('names the key that signed the stream', async () => {
    bridge.getCatalogue.mockResolvedValue(
      catalogue({
        signatures: [{ file: 'streams/v1/index.sjson', signed: true, key_id: '7FF3F408476CF100' }]
      })
    )
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.get('[data-testid="image-selection"]').text()).toContain(
      'signatures verified (key 7FF3F408476CF100)'
    )
  })
})

describe('Images: following changes', () => {
  it('reads the catalogue again when the source is changed elsewhere', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(bridge.getCatalogue).toHaveBeenCalledTimes(1)
    const candidate = 'https://images.maas.io/ephemeral-v3/candidate/'
    bridge.listBootSources.mockResolvedValue([
      source({ url: candidate, updated: '2025-08-06T00:00:00.000Z' })
    ])
    bridge.emit('sourcesChanged', null)
    await flushPromises()
    expect(wrapper.get('[data-testid="source-url"]').text()).toBe(candidate)
    expect(bridge.getCatalogue).toHaveBeenCalledTimes(2)
  })

  it('reloads the resources when main says they changed', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    // Selected but not synced yet: the table says so.
    expect(wrapper.find('[data-testid="pending-row-ubuntu-noble-amd64"]').exists()).toBe(true)
    bridge.listBootResources.mockResolvedValue([resource()])
    bridge.emit('resourcesChanged', null)
    await flushPromises()
    expect(wrapper.find('[data-testid="resource-row-7"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="pending-row-ubuntu-noble-amd64"]').exists()).toBe(false)
  })

  it('asks main for a fresh catalogue on "Check for new images"', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    await wrapper.get('[data-testid="refresh-catalogue"]').trigger('click')
    await flushPromises()
    expect(bridge.getCatalogue).toHaveBeenLastCalledWith(
      { boot_source_id: 1, refresh: true },
      { requestId: expect.any(String) }
    )
  })

  it('Cancel stops a slow "Check for new images" by its request id and keeps what was shown', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    expect(wrapper.find('[data-testid="refresh-cancel"]').exists()).toBe(false)
    const shown = wrapper.get('[data-testid="image-selection"]').text()
    // A mirror that never answers: the read ends only when main aborts it, as handleRequest does.
    let abort: (() => void) | undefined
    bridge.getCatalogue.mockImplementationOnce(
      () =>
        new Promise(
          (_, reject) => (abort = () => reject(new BridgeError('cancelled', 'getCatalogue cancelled')))
        )
    )
    bridge.cancelRequest.mockImplementationOnce(async () => {
      abort?.()
      return { cancelled: true }
    })
    await wrapper.get('[data-testid="refresh-catalogue"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="refresh-cancel"]').trigger('click')
    await flushPromises()
    const requestId = bridge.getCatalogue.mock.calls.at(-1)?.[1]?.requestId
    expect(requestId).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(bridge.cancelRequest).toHaveBeenCalledWith({ id: requestId })
    expect(wrapper.find('[data-testid="refresh-cancel"]').exists()).toBe(false)
    expect(wrapper.find('.p-notification--negative').exists()).toBe(false)
    expect(wrapper.get('[data-testid="image-selection"]').text()).toBe(shown)
  })
})

describe('Images: imports started elsewhere', () => {
  it('notices a CLI import by polling the status while no events arrive', async () => {
    vi.useFakeTimers()
    try {
      const { wrapper } = await mountWith(ImagesView, bridge)
      expect(wrapper.find('[data-testid="sync-button"]').exists()).toBe(true)
      bridge.getImportStatus.mockResolvedValue({
        importing: true,
        progress: null,
        last_result: null,
        next_sync_at: null
      })
      await vi.advanceTimersByTimeAsync(15_000)
      await flushPromises()
      expect(wrapper.find('[data-testid="stop-import-button"]').exists()).toBe(true)
      expect(wrapper.find('[data-testid="import-starting"]').exists()).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('Images: on-screen defects', () => {
  const progress = (percent: number) => ({
    importing: true,
    phase: 'downloading' as const,
    bytes_done: 1,
    bytes_total: 2,
    rate: 1,
    eta: 1,
    files_done: 1,
    files_total: 2,
    resources: [
      {
        id: 7,
        name: 'ubuntu/noble',
        architecture: 'amd64/ga-24.04',
        percent,
        status: `Downloading ${percent}%`
      }
    ]
  })

  it('reads the resources again when an image completes during an import, so its row fills in', async () => {
    const { wrapper } = await mountWith(ImagesView, bridge)
    const reads = bridge.listBootResources.mock.calls.length
    bridge.emit('importProgress', progress(40))
    await flushPromises()
    expect(bridge.listBootResources.mock.calls.length).toBe(reads)
    bridge.emit('importProgress', progress(100))
    await flushPromises()
    expect(bridge.listBootResources.mock.calls.length).toBe(reads + 1)
    // Progress is shown once, in the table: the panel only sums it up.
    expect(wrapper.get('[data-testid="import-progress"]').text()).toContain('1 of 1 images complete')
    expect(wrapper.get('[data-testid="import-progress"]').find('table').exists()).toBe(false)
  })

  it('labels a stopped import "Stopped", and says once that partial downloads are kept', async () => {
    bridge.getImportStatus.mockResolvedValue({
      importing: false,
      progress: null,
      next_sync_at: null,
      last_result: {
        ok: true,
        started_at: '2025-08-05T10:00:00Z',
        finished_at: '2025-08-05T10:05:00Z',
        downloaded_bytes: 1_000_000,
        failures: [],
        notes: ['stopped: partial downloads are kept and the next import resumes them'],
        stopped: true
      }
    })
    const { wrapper } = await mountWith(ImagesView, bridge)
    const result = wrapper.get('[data-testid="last-import-result"]').text()
    expect(result).toContain('Stopped ')
    expect(result).not.toContain('Finished')
    expect(result.match(/partial downloads are kept/g)).toHaveLength(1)
  })
})

describe('Images: one row per release and architecture', () => {
  const squashfs = 'a'.repeat(64)
  const kernel = (id: number, subarch: string, own: string): BootResource =>
    resource({
      id,
      architecture: `amd64/${subarch}`,
      size: 300 + 10,
      version: '20250805',
      file_sizes: { [squashfs]: 300, [own.repeat(64)]: 10 }
    })

  it('lists the kernels of noble amd64 in one row whose size counts the shared squashfs once', async () => {
    bridge.listBootResources.mockResolvedValue([
      kernel(7, 'ga-24.04', 'b'),
      kernel(8, 'hwe-24.04', 'c'),
      resource({
        id: 9,
        name: 'grub-efi-signed/uefi',
        architecture: 'amd64/generic',
        title: '',
        bootloader: true
      })
    ])
    const { wrapper } = await mountWith(ImagesView, bridge)
    const table = wrapper.get('[data-testid="resources-table"]')
    const row = wrapper.get('[data-testid="resource-row-7"]')
    expect(wrapper.find('[data-testid="resource-row-8"]').exists()).toBe(false)
    expect(row.text()).toContain('GA 24.04, HWE 24.04')
    expect(row.text()).toContain('320 B')
    // Sections by OS with counts; bootloaders apart, with no Delete.
    expect(table.text()).toContain('Ubuntu (1)')
    expect(table.text()).toContain('Bootloaders (1)')
    expect(wrapper.find('[data-testid="resource-delete-9"]').exists()).toBe(false)

    // Deleting the image deletes each of its kernels.
    await wrapper.get('[data-testid="resource-delete-7"]').trigger('click')
    expect(wrapper.get('[data-testid="delete-resource-dialog"]').text()).toContain('Delete 24.04 LTS amd64?')
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await flushPromises()
    expect(bridge.deleteBootResource.mock.calls.map(([arg]) => arg)).toEqual([{ id: 7 }, { id: 8 }])
  })
})
