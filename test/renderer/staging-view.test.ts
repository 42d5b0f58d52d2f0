// @vitest-environment happy-dom
/**
 * The Staging screen: the native folder dialog fills the target (a typed path stays possible), the
 * progress card carries Stop while staging runs and a stopped staging is not shown as an error, and
 * "Serve to MAAS" starts on the port the admin typed and says plainly when it listens on the network.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import StagingView from '../../src/renderer/src/views/StagingView.vue'
import { BridgeError } from '@shared/bridge-client'
import type { StageResult, StagingPlan } from '@shared/types'
import { createFakeBridge, source, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
})

const plan = (over: Partial<StagingPlan> = {}): StagingPlan => ({
  target: '/media/usb',
  images: [
    { name: 'ubuntu/noble', architecture: 'amd64/ga-24.04', version: '20250805', bootloader: false },
    { name: 'pxelinux/pxe', architecture: 'amd64/generic', version: '20240117.0', bootloader: true }
  ],
  files: 6,
  needed: 3_000_000,
  free: 8_000_000_000,
  file_system: 'FAT32',
  mapped_names: true,
  too_big: [],
  ...over
})

const value = (w: Awaited<ReturnType<typeof mountWith>>['wrapper'], testid: string): string =>
  (w.get(`[data-testid="${testid}"]`).element as HTMLInputElement).value

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
      'file and folder pickers exist only in the desktop app'
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
    expect(wrapper.get('[data-testid="staging-plan"]').text()).toContain('1 image and 1 bootloader, 6 files')
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
    expect((wrapper.get('[data-testid="staging-start"]').element as HTMLButtonElement).disabled).toBe(true)
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
    // A real failure is an error.
    bridge.emit('stagingFinished', {
      ok: false,
      result: null,
      error: { code: 'io', message: 'writing x onto /media/usb failed (EIO)' }
    })
    await flushPromises()
    expect(wrapper.get('[data-testid="staging-error"]').text()).toContain('failed (EIO)')
    expect(wrapper.find('[data-testid="staging-stopped"]').exists()).toBe(false)
  })

  it('says the stick was read back from the drive only when it was, and a cache-only read-back as a caution', async () => {
    const result = (read_back: 'medium' | 'cache'): StageResult => ({
      target: '/media/usb',
      file_system: 'FAT32',
      mapped_names: true,
      images: plan().images,
      files: 6,
      files_copied: 6,
      files_skipped: 0,
      bytes: 3_000_000,
      bytes_copied: 3_000_000,
      read_back,
      seconds: 2
    })
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
      label: 'the image cache of boot source 1'
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

  it('serves on loopback by default and says only this machine can reach it', async () => {
    const { wrapper } = await mountWith(StagingView, bridge)
    bridge.startServing.mockResolvedValue({
      serving: true,
      url: 'http://127.0.0.1:8780/',
      address: '127.0.0.1',
      port: 8780,
      boot_source_id: 1,
      label: 'the image cache of boot source 1'
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
