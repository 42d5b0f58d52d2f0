// @vitest-environment happy-dom
/**
 * The Staging screen: the native folder dialog fills the target (a typed path stays possible), the
 * progress card carries Stop while staging runs and a stopped staging is not shown as an error, and
 * "Serve to MAAS" starts on the port the admin typed and says plainly when it listens on the network.
 */
import { notServing } from '@shared/serving-status'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import StagingView from '../../src/renderer/src/views/StagingView.vue'
import { BridgeError } from '@shared/bridge-client'
import type { Drive, ServingStatus, StageResult, StagingPlan } from '@shared/types'
import { DRIVE_POLL_MS } from '../../src/renderer/src/stores/staging'
import { createFakeBridge, source, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
})

const plan = (over: Partial<StagingPlan> = {}): StagingPlan => ({
  target: '/media/usb',
  choices: [{ os: 'ubuntu', release: 'noble', arch: 'amd64', bytes: 2_000_000 }],
  images: [
    { name: 'ubuntu/noble', architecture: 'amd64/ga-24.04', version: '20250805', bootloader: false },
    { name: 'pxelinux/pxe', architecture: 'amd64/generic', version: '20240117.0', bootloader: true }
  ],
  files: 6,
  bytes: 2_000_000,
  needed: 3_000_000,
  freed: 0,
  free: 8_000_000_000,
  short_by: 0,
  stale_files: 0,
  system_drive: false,
  file_system: 'FAT32',
  mapped_names: true,
  too_big: [],
  ...over
})

/** A staging that finished: 6 files, 3 MB, all copied and read back from the drive. */
const stageResult = (over: Partial<StageResult> = {}): StageResult => ({
  target: '/media/usb',
  file_system: 'FAT32',
  mapped_names: true,
  images: plan().images,
  files: 6,
  files_copied: 6,
  files_skipped: 0,
  bytes: 3_000_000,
  bytes_copied: 3_000_000,
  removed_files: 0,
  removed_bytes: 0,
  read_back: 'medium',
  seconds: 2,
  ...over
})

const value = (w: Awaited<ReturnType<typeof mountWith>>['wrapper'], testid: string): string =>
  (w.get(`[data-testid="${testid}"]`).element as HTMLInputElement).value


/** What main answers when it serves folder `dir` on loopback port 8780. */
function servingFolder(dir: string, label: string): ServingStatus {
  return {
    serving: true,
    url: 'http://127.0.0.1:8780/',
    address: '127.0.0.1',
    port: 8780,
    boot_source_id: null,
    label,
    dir,
    stopped_reason: null
  }
}
describe('Staging screen', () => {
  it('follows the boot sources main reports (sourcesChanged): added, and the chosen one deleted', async () => {
    const mirror = source({ id: 2, url: 'http://mirror.internal/maas/' })
    const { wrapper } = await mountWith(StagingView, bridge)
    const options = () => wrapper.findAll('[data-testid="staging-source"] option').map((o) => o.text())
    expect(options()).toEqual(['1: https://images.maas.io/ephemeral-v3/stable/'])

    // Added elsewhere (the Sources page, the CLI): main says sourcesChanged.
    bridge.listBootSources.mockResolvedValue([source(), mirror])
    bridge.emit('sourcesChanged', null)
    await flushPromises()
    expect(options()).toEqual([
      '1: https://images.maas.io/ephemeral-v3/stable/',
      '2: http://mirror.internal/maas/'
    ])
    await wrapper.get('[data-testid="staging-source"]').setValue(1)

    // The chosen source deleted: staging works from the one left, never from a source that is gone.
    bridge.listBootSources.mockResolvedValue([mirror])
    bridge.emit('sourcesChanged', null)
    await flushPromises()
    expect(options()).toEqual(['2: http://mirror.internal/maas/'])
    bridge.planStaging.mockResolvedValue(plan())
    await wrapper.get('[data-testid="staging-target"]').setValue('/media/usb')
    await wrapper.get('[data-testid="staging-form"]').trigger('submit')
    await flushPromises()
    expect(bridge.planStaging).toHaveBeenCalledWith({ boot_source_id: 2, target: '/media/usb' })
  })

  it('fills the target from the native folder dialog; a cancelled dialog keeps the typed path; a refusal is shown', async () => {
    const { wrapper } = await mountWith(StagingView, bridge)
    bridge.pickDirectory.mockResolvedValueOnce({ path: '/media/admin/MAASIMAGES' })
    await wrapper.get('[data-testid="staging-choose-folder"]').trigger('click')
    await flushPromises()
    expect(value(wrapper, 'staging-target')).toBe('/media/admin/MAASIMAGES')

    await wrapper.get('[data-testid="staging-target"]').setValue('/mnt/typed')
    bridge.pickDirectory.mockResolvedValueOnce({ path: null })
    await wrapper.get('[data-testid="staging-choose-folder"]').trigger('click')
    await flushPromises()
    expect(value(wrapper, 'staging-target')).toBe('/mnt/typed')

    bridge.pickDirectory.mockRejectedValueOnce(
      new BridgeError('invalid_argument', 'file and folder pickers exist only in the desktop app')
    )
    await wrapper.get('[data-testid="staging-choose-folder"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="staging-pick-error"]').text()).toBe(
      'File and folder pickers exist only in the desktop app'
    )
    expect(value(wrapper, 'staging-target')).toBe('/mnt/typed')
    // The typed path is what the space check uses.
    bridge.planStaging.mockResolvedValue(plan({ target: '/mnt/typed' }))
    await wrapper.get('[data-testid="staging-form"]').trigger('submit')
    await flushPromises()
    expect(bridge.planStaging).toHaveBeenCalledWith({ boot_source_id: 1, target: '/mnt/typed' })
  })

  it('shows needed against free before starting, progress with Stop while staging, and a stop as a stop', async () => {
    bridge.planStaging.mockResolvedValue(plan())
    const { wrapper } = await mountWith(StagingView, bridge)
    await wrapper.get('[data-testid="staging-target"]').setValue('/media/usb')
    await wrapper.get('[data-testid="staging-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="staging-needed"]').text()).toBe('3.0 MB')
    expect(wrapper.get('[data-testid="staging-free"]').text()).toBe('8.0 GB free')
    expect(wrapper.get('[data-testid="staging-plan"]').text()).toContain(
      '1 image (1 kernel) and 1 bootloader, 6 files (2.0 MB)'
    )
    expect(wrapper.find('[data-testid="staging-progress"]').exists()).toBe(false)

    await wrapper.get('[data-testid="staging-start"]').trigger('click')
    await flushPromises()
    bridge.emit('stagingProgress', {
      phase: 'copying',
      files_done: 2,
      files_total: 6,
      bytes_done: 1_500_000,
      bytes_total: 3_000_000,
      rate: 500_000,
      eta: 3
    })
    await flushPromises()
    expect(wrapper.get('[data-testid="staging-percent"]').text()).toBe('50%')
    expect(wrapper.get('[data-testid="staging-figures"]').text()).toMatch(/^Files 2\/6, 1.5 MB of 3.0 MB/)
    // While it runs, the card holds Stop instead of Stage.
    expect(wrapper.find('[data-testid="staging-start"]').exists()).toBe(false)
    await wrapper.get('[data-testid="staging-stop"]').trigger('click')
    expect(bridge.stopStaging).toHaveBeenCalledTimes(1)

    bridge.emit('stagingFinished', {
      ok: false,
      result: null,
      error: { code: 'cancelled', message: 'staging onto /media/usb stopped; staging again resumes' }
    })
    await flushPromises()
    expect(wrapper.find('[data-testid="staging-progress"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="staging-error"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="staging-stopped"]').text()).toBe(
      'staging onto /media/usb stopped; staging again resumes'
    )
    // A real failure is an error, in the Stage card, titled, in plain words, the system's code only in the details.
    bridge.emit('stagingFinished', {
      ok: false,
      result: null,
      error: {
        code: 'io',
        message:
          'The stick was removed while staging (or stopped answering). Plug it in again and press Stage: staging resumes. Files written so far are whole.',
        detail:
          "ENOTCONN (.maas-images-staging.lock): socket is not connected, open '/media/usb/.maas-images-staging.lock'"
      }
    })
    await flushPromises()
    const failed = wrapper.get('[data-testid="staging-plan"] [data-testid="step-error"]')
    expect(failed.get('[data-testid="step-error-title"]').text()).toBe('Staging failed')
    expect(failed.get('[data-testid="step-error-message"]').text()).toMatch(
      /^The stick was removed while staging/
    )
    expect(failed.get('[data-testid="step-error-message"]').text()).not.toMatch(/ENOTCONN/)
    expect(failed.get('[data-testid="step-error-detail"]').text()).toMatch(/^ENOTCONN/)
    // An alert, its details collapsed until asked for, and closed with the notification's own button.
    expect(failed.attributes('role')).toBe('alert')
    expect(failed.get('details').attributes('open')).toBeUndefined()
    expect(wrapper.find('[data-testid="staging-stopped"]').exists()).toBe(false)
    await failed.get('button[aria-label="Close notification"]').trigger('click')
    expect(wrapper.find('[data-testid="staging-plan"] [data-testid="step-error"]').exists()).toBe(false)
  })

  it('says the stick was read back from the drive only when it was, and a cache-only read-back as a caution', async () => {
    const result = (read_back: 'medium' | 'cache'): StageResult => stageResult({ read_back })
    const { wrapper } = await mountWith(StagingView, bridge)
    bridge.emit('stagingFinished', { ok: true, result: result('medium'), error: null })
    await flushPromises()
    expect(wrapper.get('[data-testid="staging-result"]').classes()).toContain('p-notification--positive')
    expect(wrapper.get('[data-testid="staging-read-back"]').text()).toBe(
      'Every file was read back from the drive and verified.'
    )
    bridge.emit('stagingFinished', { ok: true, result: result('cache'), error: null })
    await flushPromises()
    expect(wrapper.get('[data-testid="staging-result"]').classes()).toContain('p-notification--caution')
    const words = wrapper.get('[data-testid="staging-read-back"]').text()
    expect(words).toContain('through the system cache only: the drive itself was not re-read')
    expect(words).not.toContain('from the drive and verified')
  })

  it('serves on the typed port (8780 unless changed), refuses a port that is not one, and says plainly when it is on the network', async () => {
    const { wrapper } = await mountWith(StagingView, bridge)
    expect(value(wrapper, 'serve-port')).toBe('8780')
    await wrapper.get('[data-testid="serve-port"]').setValue('80x')
    expect(wrapper.get('[data-testid="serve-port-error"]').text()).toBe(
      'The port is a whole number from 1 to 65535.'
    )
    expect((wrapper.get('[data-testid="serve-toggle"]').element as HTMLButtonElement).disabled).toBe(true)
    await wrapper.get('[data-testid="serve-port"]').setValue('70000')
    expect(wrapper.find('[data-testid="serve-port-error"]').exists()).toBe(true)

    await wrapper.get('[data-testid="serve-port"]').setValue('8080')
    await wrapper.get('[data-testid="serve-lan"]').setValue(true)
    bridge.startServing.mockResolvedValue({
      serving: true,
      url: 'http://192.0.2.10:8080/',
      address: '0.0.0.0',
      port: 8080,
      boot_source_id: 1,
      label: 'the image cache of boot source 1',
      dir: null,
      stopped_reason: null
    })
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    expect(bridge.startServing).toHaveBeenCalledWith({ boot_source_id: 1, port: 8080, lan: true })
    expect(wrapper.get('[data-testid="serve-url"]').text()).toBe('http://192.0.2.10:8080/')
    expect(wrapper.get('[data-testid="serve-lan-warning"]').text()).toContain(
      'Listening on the network (0.0.0.0, port 8080)'
    )
    expect((wrapper.get('[data-testid="serve-port"]').element as HTMLInputElement).disabled).toBe(true)
  })

  it('a port already in use is said in the Serve card, titled, and goes when the port changes, a start succeeds or the admin moves on', async () => {
    const inUse = 'cannot listen on 127.0.0.1:8780: port 8780 is already in use; choose another port'
    const { wrapper, pinia } = await mountWith(StagingView, bridge)
    const serveError = () => wrapper.get('[data-testid="serving"]').find('[data-testid="step-error"]')
    const fail = async (): Promise<void> => {
      bridge.startServing.mockRejectedValueOnce(new BridgeError('io', inUse))
      await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
      await flushPromises()
    }
    await fail()
    expect(serveError().get('[data-testid="step-error-title"]').text()).toBe('Serving did not start')
    // main's lower-case message (the CLI prints it after "error: "), as a sentence in the card
    expect(serveError().get('[data-testid="step-error-message"]').text()).toBe(
      'Cannot listen on 127.0.0.1:8780: port 8780 is already in use; choose another port'
    )
    // only in its own card, never in another step's
    expect(wrapper.findAll('[data-testid="step-error"]')).toHaveLength(1)

    await wrapper.get('[data-testid="serve-port"]').setValue('8781')
    expect(serveError().exists()).toBe(false)

    await fail()
    await wrapper.get('[data-testid="staging-target"]').setValue('/media/usb')
    expect(serveError().exists()).toBe(false)

    await fail()
    bridge.startServing.mockResolvedValueOnce({
      serving: true,
      url: 'http://127.0.0.1:8781/',
      address: '127.0.0.1',
      port: 8781,
      boot_source_id: 1,
      label: 'the image cache of boot source 1',
      dir: null,
      stopped_reason: null
    })
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    expect(serveError().exists()).toBe(false)
    expect(wrapper.get('[data-testid="serve-url"]').text()).toBe('http://127.0.0.1:8781/')

    // Leaving the screen: the store outlives it, the error does not.
    bridge.stopServing.mockResolvedValueOnce(notServing())
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    await fail()
    expect(serveError().exists()).toBe(true)
    wrapper.unmount()
    const { useServingStore } = await import('../../src/renderer/src/stores/serving')
    expect(useServingStore(pinia).error).toBeNull()
  })

  it('serves on loopback by default and says only this machine can reach it', async () => {
    const { wrapper } = await mountWith(StagingView, bridge)
    bridge.startServing.mockResolvedValue({
      serving: true,
      url: 'http://127.0.0.1:8780/',
      address: '127.0.0.1',
      port: 8780,
      boot_source_id: 1,
      label: 'the image cache of boot source 1',
      dir: null,
      stopped_reason: null
    })
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    expect(bridge.startServing).toHaveBeenCalledWith({ boot_source_id: 1, port: 8780, lan: false })
    expect(wrapper.find('[data-testid="serve-lan-warning"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="serve-status"]').text()).toContain(
      'Only this machine can reach it (127.0.0.1, port 8780)'
    )
  })
})

describe('Staging as imagers do it', () => {
  const drive = (over: Partial<Drive> = {}): Drive => ({
    device: '/dev/sdb1',
    label: 'MAASIMAGES',
    fs_type: 'vfat',
    mount: '/media/admin/MAASIMAGES',
    size: 16_000_000_000,
    free: 15_000_000_000,
    removable: true,
    model: 'SanDisk Ultra',
    system: false,
    ...over
  })

  it('starts with what: the images as the Images table names them, all ticked, with sizes; the choice is sent', async () => {
    bridge.listStagingChoices.mockResolvedValue([
      { os: 'ubuntu', release: 'jammy', arch: 'arm64', bytes: 1_000_000 },
      { os: 'ubuntu', release: 'noble', arch: 'amd64', bytes: 2_000_000 }
    ])
    bridge.planStaging.mockResolvedValue(plan())
    const { wrapper } = await mountWith(StagingView, bridge)
    const rows = wrapper.findAll('[data-testid="staging-choice"]')
    expect(
      rows.map((r) =>
        r
          .findAll('td')
          .slice(1)
          .map((c) => c.text())
      )
    ).toEqual([
      ['ubuntu/jammy arm64', '1.0 MB'],
      ['ubuntu/noble amd64', '2.0 MB']
    ])
    // Each box is named for a screen reader by its image.
    expect(rows[0].get('label').text()).toBe('ubuntu/jammy arm64')
    expect(rows.every((r) => (r.get('input').element as HTMLInputElement).checked)).toBe(true)
    expect(wrapper.get('[data-testid="staging-chosen"]').text()).toMatch(/^2 images chosen \(3\.0 MB\)/)

    await wrapper.get('[data-testid="staging-target"]').setValue('/media/usb')
    await wrapper.get('[data-testid="staging-form"]').trigger('submit')
    await flushPromises()
    // All ticked: no list, so staging takes every image.
    expect(bridge.planStaging).toHaveBeenLastCalledWith({ boot_source_id: 1, target: '/media/usb' })
    // None ticked: nothing to check or stage.
    await wrapper.get('[data-testid="staging-choose-all"]').setValue(false)
    expect((wrapper.get('[data-testid="staging-check"]').element as HTMLButtonElement).disabled).toBe(true)
    expect(wrapper.get('[data-testid="staging-plan-empty"]').text()).toBe('Choose at least one image above.')
    await wrapper.get('[data-testid="staging-choose-all"]').setValue(true)

    await rows[0].get('input').setValue(false)
    await wrapper.get('[data-testid="staging-form"]').trigger('submit')
    await flushPromises()
    expect(bridge.planStaging).toHaveBeenLastCalledWith({
      boot_source_id: 1,
      target: '/media/usb',
      images: [{ os: 'ubuntu', release: 'noble', arch: 'amd64' }]
    })
    await wrapper.get('[data-testid="staging-start"]').trigger('click')
    expect(bridge.startStaging).toHaveBeenLastCalledWith({
      boot_source_id: 1,
      target: '/media/usb',
      images: [{ os: 'ubuntu', release: 'noble', arch: 'amd64' }]
    })
  })

  it('lists drives by model or label, device, size and free; refreshes them by itself; system and internal drives on request, marked', async () => {
    vi.useFakeTimers()
    try {
      bridge.listDrives.mockResolvedValue([])
      const { wrapper } = await mountWith(StagingView, bridge)
      expect(wrapper.find('[data-testid="no-drives"]').exists()).toBe(true)
      expect(bridge.listDrives).toHaveBeenLastCalledWith({ all: false })

      // Plugged in: the list follows without a click.
      bridge.listDrives.mockResolvedValue([drive()])
      await vi.advanceTimersByTimeAsync(DRIVE_POLL_MS)
      await flushPromises()
      const row = wrapper.get('[data-testid="drive-/media/admin/MAASIMAGES"]')
      expect(row.text()).toMatch(/SanDisk Ultra · MAASIMAGES/)
      expect(row.text()).toContain('/dev/sdb1')
      expect(row.text()).toContain('16.0 GB')
      expect(row.text()).toContain('15.0 GB')
      expect(row.find('[data-testid="system-drive"]').exists()).toBe(false)
      expect(row.find('[data-testid="internal-drive"]').exists()).toBe(false)

      // System and internal (fixed) drives only when asked, each marked as which it is.
      const show = wrapper.get('[data-testid="show-system-drives"]')
      expect(show.element.closest('label')!.textContent!.trim()).toBe('Show system and internal drives')
      bridge.listDrives.mockResolvedValue([
        drive(),
        drive({
          mount: '/',
          device: '/dev/nvme0n1p2',
          system: true,
          removable: false,
          model: 'Samsung SSD',
          label: ''
        }),
        drive({ mount: '/srv/data', device: '/dev/sda1', removable: false, model: 'WDC WD40', label: 'data' })
      ])
      await show.setValue(true)
      await flushPromises()
      expect(bridge.listDrives).toHaveBeenLastCalledWith({ all: true })
      const system = wrapper.get('[data-testid="drive-/"]')
      expect(system.get('[data-testid="system-drive"]').text()).toBe('System drive')
      expect(system.find('[data-testid="internal-drive"]').exists()).toBe(false)
      const internal = wrapper.get('[data-testid="drive-/srv/data"]')
      expect(internal.get('[data-testid="internal-drive"]').text()).toBe('Internal drive')
      expect(internal.find('[data-testid="system-drive"]').exists()).toBe(false)
      expect(
        wrapper.get('[data-testid="drive-/media/admin/MAASIMAGES"]').find('.p-status-label').exists()
      ).toBe(false)

      // Pulled: gone from the list by itself.
      bridge.listDrives.mockResolvedValue([])
      await vi.advanceTimersByTimeAsync(DRIVE_POLL_MS)
      await flushPromises()
      expect(wrapper.find('[data-testid="drive-/media/admin/MAASIMAGES"]').exists()).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  it('shows a short drive as a problem: "Too small" in red in its row, on the button and in the card', async () => {
    bridge.listDrives.mockResolvedValue([drive({ free: 1_000_000 })])
    bridge.planStaging.mockResolvedValue(
      plan({ target: '/media/admin/MAASIMAGES', needed: 5_000_000, free: 1_000_000, short_by: 4_000_000 })
    )
    const { wrapper } = await mountWith(StagingView, bridge)
    await wrapper
      .get('[aria-label="Use SanDisk Ultra · MAASIMAGES (/media/admin/MAASIMAGES)"]')
      .trigger('click')
    await flushPromises()
    expect(bridge.planStaging).toHaveBeenCalledWith({ boot_source_id: 1, target: '/media/admin/MAASIMAGES' })
    expect(wrapper.get('[data-testid="drive-too-small"]').text()).toBe('Too small: 4.0 MB more needed')
    const button = wrapper.get('[data-testid="staging-start"]')
    expect(button.text()).toBe('Too small: 4.0 MB more needed')
    expect(button.classes()).toContain('p-button--negative')
    expect((button.element as HTMLButtonElement).disabled).toBe(true)
    expect(wrapper.get('[data-testid="staging-space-meter"]').classes()).toContain('is-short')
    // One figure: the needed number shown is the one the shortfall is computed from.
    expect(wrapper.get('[data-testid="staging-needed"]').text()).toBe('5.0 MB')
    expect(wrapper.get('[data-testid="staging-short"]').text()).toContain('4.0 MB more are needed')
  })

  it('ends like an imager: files and bytes checked, what was removed, Eject, then "You can now remove the stick."', async () => {
    bridge.listDrives.mockResolvedValue([drive()])
    bridge.planStaging.mockResolvedValue(plan({ target: '/media/admin/MAASIMAGES' }))
    const { wrapper } = await mountWith(StagingView, bridge)
    await wrapper
      .get('[aria-label="Use SanDisk Ultra · MAASIMAGES (/media/admin/MAASIMAGES)"]')
      .trigger('click')
    await flushPromises()
    bridge.emit('stagingFinished', {
      ok: true,
      error: null,
      result: stageResult({ target: '/media/admin/MAASIMAGES', removed_files: 3, removed_bytes: 1_500_000 })
    })
    await flushPromises()
    expect(wrapper.get('[data-testid="staging-checked"]').text()).toBe('6 files (3.0 MB) checked:')
    expect(wrapper.get('[data-testid="staging-removed"]').text()).toBe(
      'Removed 3 files (1.5 MB) of the previous staging that this one does not keep.'
    )
    expect(wrapper.findAll('[data-testid="staging-eject"]')).toHaveLength(1)
    // Verified: Eject moves to the Verify card, the last step; still one on screen.
    bridge.verifyMirror.mockResolvedValue({
      location: '/media/admin/MAASIMAGES',
      ok: true,
      files: [],
      items: [],
      bytes_checked: 3_000_000,
      corrupt: 0,
      read_back: 'medium',
      problems: []
    })
    await wrapper.get('[data-testid="verify-stick"]').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="staging-eject"]')).toHaveLength(1)
    bridge.ejectDrive.mockResolvedValue({
      ejected: true,
      message: 'MAASIMAGES was ejected. You can now remove the stick.'
    })
    await wrapper.get('[data-testid="verify"] [data-testid="staging-eject"]').trigger('click')
    await flushPromises()
    expect(bridge.ejectDrive).toHaveBeenCalledWith({ mount: '/media/admin/MAASIMAGES' })
    const ejected = wrapper.findAll('[data-testid="staging-ejected"]')
    expect(ejected.map((e) => e.text())).toEqual(['MAASIMAGES was ejected. You can now remove the stick.'])
  })

  it('does not offer Eject of the stick being served, says why, and offers it once serving stops', async () => {
    bridge.listDrives.mockResolvedValue([drive()])
    bridge.planStaging.mockResolvedValue(plan({ target: '/media/admin/MAASIMAGES' }))
    const { wrapper } = await mountWith(StagingView, bridge)
    await wrapper
      .get('[aria-label="Use SanDisk Ultra · MAASIMAGES (/media/admin/MAASIMAGES)"]')
      .trigger('click')
    await flushPromises()
    bridge.emit('stagingFinished', {
      ok: true,
      error: null,
      result: stageResult({ target: '/media/admin/MAASIMAGES' })
    })
    await flushPromises()
    const eject = () => wrapper.get('[data-testid="staging-eject"]').element as HTMLButtonElement
    expect(eject().disabled).toBe(false)
    await wrapper.get('[data-testid="serve-what-staged"]').setValue(true)
    const served = servingFolder('/media/admin/MAASIMAGES', '/media/admin/MAASIMAGES')
    bridge.startServing.mockResolvedValue(served)
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    expect(eject().disabled).toBe(true)
    // Said beside the button, as its description.
    const why = wrapper.get(`#${wrapper.get('[data-testid="staging-eject"]').attributes('aria-describedby')}`)
    expect(why.attributes('data-testid')).toBe('staging-eject-why')
    expect(why.text()).toBe(
      'The stick is being served to MAAS. Stop serving before you eject it, or a MAAS region syncing from it would fail.'
    )

    bridge.stopServing.mockResolvedValue({
      ...served,
      serving: false,
      url: null,
      address: null,
      port: null,
      label: null,
      dir: null
    })
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    expect(eject().disabled).toBe(false)
    expect(wrapper.find('[data-testid="staging-eject-why"]').exists()).toBe(false)
  })

  it('says in the Serve card that serving stopped, and why, when main stops it (the stick was ejected)', async () => {
    const { wrapper } = await mountWith(StagingView, bridge)
    bridge.startServing.mockResolvedValue(servingFolder('/media/admin/MAASIMAGES', '/media/admin/MAASIMAGES'))
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="serve-status"]').exists()).toBe(true)
    const reason =
      '/media/admin/MAASIMAGES is gone: the folder no longer exists (the stick or disk was ejected, unmounted or removed)'
    bridge.emit('servingStopped', notServing(reason))
    await flushPromises()
    const card = wrapper.get('[data-testid="serving"]')
    expect(card.find('[data-testid="serve-status"]').exists()).toBe(false)
    expect(card.get('[data-testid="step-error-title"]').text()).toBe('Serving stopped')
    expect(card.get('[data-testid="step-error-message"]').text()).toBe(
      `${reason}. A MAAS region can no longer sync from it.`
    )
    expect(card.get('[data-testid="serve-toggle"]').text()).toBe('Start serving')
  })

  it('after Eject, offers neither Verify nor serving the ejected stick, says why, until a target is chosen again', async () => {
    bridge.listDrives.mockResolvedValue([drive()])
    bridge.planStaging.mockResolvedValue(plan({ target: '/media/admin/MAASIMAGES' }))
    const { wrapper, pinia } = await mountWith(StagingView, bridge)
    const useStick = () =>
      wrapper.get('[aria-label="Use SanDisk Ultra · MAASIMAGES (/media/admin/MAASIMAGES)"]').trigger('click')
    await useStick()
    await flushPromises()
    bridge.emit('stagingFinished', {
      ok: true,
      error: null,
      result: stageResult({ target: '/media/admin/MAASIMAGES' })
    })
    await flushPromises()
    const verifyButton = () => wrapper.get('[data-testid="verify-stick"]').element as HTMLButtonElement
    const serveStaged = () => wrapper.get('[data-testid="serve-what-staged"]').element as HTMLInputElement
    // The admin had chosen to serve the staged stick.
    await wrapper.get('[data-testid="serve-what-staged"]').setValue(true)
    expect(verifyButton().disabled).toBe(false)
    expect(serveStaged().disabled).toBe(false)

    bridge.ejectDrive.mockResolvedValue({
      ejected: true,
      message: 'MAASIMAGES was ejected. You can now remove the stick.'
    })
    bridge.listDrives.mockResolvedValue([])
    await wrapper.get('[data-testid="staging-eject"]').trigger('click')
    await flushPromises()
    const reason = 'The stick was ejected. Plug it in again and choose it to verify or serve it.'
    expect(verifyButton().disabled).toBe(true)
    expect(serveStaged().disabled).toBe(true)
    expect(serveStaged().checked).toBe(false)
    expect((wrapper.get('[data-testid="serve-what-source"]').element as HTMLInputElement).checked).toBe(true)
    expect(wrapper.get('[data-testid="serving"]').text()).toContain('/media/admin/MAASIMAGES (ejected)')
    // The reasons are buttons Tab reaches, each described by its tooltip.
    for (const why of ['verify-stick-why', 'serve-staged-why']) {
      const button = wrapper.get(`[data-testid="${why}"]`)
      expect(button.element.tagName).toBe('BUTTON')
      expect((button.element as HTMLButtonElement).disabled).toBe(false)
      const tip = wrapper.get(`#${button.attributes('aria-describedby')}`)
      expect(tip.attributes('role')).toBe('tooltip')
      expect(tip.text()).toBe(reason)
    }
    // Nothing to stage onto either: the plan was the ejected stick's.
    expect(wrapper.find('[data-testid="staging-start"]').exists()).toBe(false)
    // Serving now serves the boot source, never the folder the stick was mounted at.
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    expect(bridge.startServing).toHaveBeenLastCalledWith({ boot_source_id: 1, port: 8780, lan: false })

    // Plugged in again and chosen: offered again, the reasons gone.
    bridge.listDrives.mockResolvedValue([drive()])
    const { useStagingStore } = await import('../../src/renderer/src/stores/staging')
    await useStagingStore(pinia).refreshDrives()
    await flushPromises()
    await useStick()
    await flushPromises()
    expect(verifyButton().disabled).toBe(false)
    expect(serveStaged().disabled).toBe(false)
    expect(wrapper.find('[data-testid="verify-stick-why"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="serve-staged-why"]').exists()).toBe(false)
  })

  it('serves the staged stick when the admin chooses it, not the boot source', async () => {
    const { wrapper } = await mountWith(StagingView, bridge)
    expect((wrapper.get('[data-testid="serve-what-staged"]').element as HTMLInputElement).disabled).toBe(true)
    await wrapper.get('[data-testid="staging-target"]').setValue('/media/usb')
    await wrapper.get('[data-testid="serve-what-staged"]').setValue(true)
    bridge.startServing.mockResolvedValue(servingFolder('/media/usb', 'the staged directory /media/usb'))
    await wrapper.get('[data-testid="serve-toggle"]').trigger('click')
    await flushPromises()
    expect(bridge.startServing).toHaveBeenCalledWith({ dir: '/media/usb', port: 8780, lan: false })
  })
})
