// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import ChangeSourceView from '../../src/renderer/src/views/ChangeSourceView.vue'
import { BridgeError } from '@shared/bridge-client'
import type { BootSource } from '@shared/types'
import { createFakeBridge, source, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
})

const CANDIDATE = 'https://images.maas.io/ephemeral-v3/candidate/'

describe('Change source', () => {
  it('starts from the current source: maas.io stable', async () => {
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    expect(wrapper.find('h1').text()).toBe('Change source')
    expect(wrapper.get('[data-testid="change-source-url"]').text()).toBe(
      'https://images.maas.io/ephemeral-v3/stable/'
    )
    expect((wrapper.get('[data-testid="choice-maas-io"] input').element as HTMLInputElement).checked).toBe(
      true
    )
    expect((wrapper.get('[data-testid="stream-stable"] input').element as HTMLInputElement).checked).toBe(
      true
    )
  })

  it('Cancel stops a slow Connect by its request id: nothing saved, no error, the form usable again', async () => {
    // A mirror that never answers: the Connect ends only when main aborts it, as handleRequest does.
    let abort: (() => void) | undefined
    bridge.updateBootSource.mockImplementationOnce(
      () =>
        new Promise(
          (_, reject) => (abort = () => reject(new BridgeError('cancelled', 'updateBootSource cancelled')))
        )
    )
    bridge.cancelRequest.mockImplementationOnce(async () => {
      abort?.()
      return { cancelled: true }
    })
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    expect(wrapper.find('[data-testid="connect-cancel"]').exists()).toBe(false)
    await wrapper.get('[data-testid="stream-candidate"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper.get('[data-testid="connect-cancel"]').trigger('click')
    await flushPromises()
    const requestId = bridge.updateBootSource.mock.calls[0][1]?.requestId
    expect(requestId).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(bridge.cancelRequest).toHaveBeenCalledWith({ id: requestId })
    expect(wrapper.find('[data-testid="connect-cancel"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="connect-success"]').exists()).toBe(false)
    expect(wrapper.find('.p-notification--negative').exists()).toBe(false)
    expect((wrapper.get('[data-testid="connect-button"]').element as HTMLButtonElement).disabled).toBe(false)
  })

  it('switches to the candidate stream with updateBootSource, keeping the cloud-image keyring', async () => {
    bridge.updateBootSource.mockImplementation(async (arg) =>
      source({ url: arg.url, updated: '2025-08-06T00:00:00.000Z' })
    )
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="stream-candidate"] input').setValue(true)
    bridge.listBootSources.mockResolvedValue([
      source({ url: CANDIDATE, updated: '2025-08-06T00:00:00.000Z' })
    ])
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateBootSource).toHaveBeenCalledWith(
      { id: 1, url: CANDIDATE },
      { requestId: expect.any(String) }
    )
    expect(bridge.createBootSource).not.toHaveBeenCalled()
    expect(wrapper.get('[data-testid="connect-success"]').text()).toContain(`Connected to ${CANDIDATE}`)
    expect(wrapper.get('[data-testid="change-source-url"]').text()).toBe(CANDIDATE)
  })

  it('goes back to maas.io with the cloud-image keyring when the mirror used pasted key data', async () => {
    bridge.listBootSources.mockResolvedValue([
      source({ url: 'http://mirror.internal/stable/', keyring_filename: '', keyring_data: 'QUJD' })
    ])
    bridge.updateBootSource.mockImplementation(async (arg) => source({ ...arg, updated: 'now' }))
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    expect((wrapper.get('[data-testid="choice-custom"] input').element as HTMLInputElement).checked).toBe(
      true
    )
    await wrapper.get('[data-testid="choice-maas-io"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateBootSource).toHaveBeenCalledWith(
      {
        id: 1,
        url: 'https://images.maas.io/ephemeral-v3/stable/',
        keyring_filename: '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg'
      },
      { requestId: expect.any(String) }
    )
  })

  it('creates the source with the custom URL and keyring file when there is none', async () => {
    bridge.listBootSources.mockResolvedValue([])
    bridge.createBootSource.mockImplementation(async (arg) => source({ id: 2, ...arg }))
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    expect(wrapper.get('[data-testid="change-source-url"]').text()).toBe('')

    await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
    await wrapper
      .get('[data-testid="source-url-input"]')
      .setValue('http://mirror.internal/maas/images/ephemeral-v3/stable/')
    await wrapper.get('[data-testid="keyring-file-input"]').setValue('/etc/maas/mirror-keyring.gpg')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.createBootSource).toHaveBeenCalledTimes(1)
    expect(bridge.createBootSource).toHaveBeenCalledWith(
      {
        url: 'http://mirror.internal/maas/images/ephemeral-v3/stable/',
        keyring_filename: '/etc/maas/mirror-keyring.gpg'
      },
      { requestId: expect.any(String) }
    )
  })

  it('sends pasted keyring data and never the file path with it', async () => {
    bridge.updateBootSource.mockImplementation(async (arg) => source({ ...arg, updated: 'x' }))
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
    await wrapper.get('[data-testid="source-url-input"]').setValue('file:///media/usb/maas/stable/')
    await wrapper.get('[data-testid="keyring-mode-data"] input').setValue(true)
    await wrapper.get('[data-testid="keyring-data-input"]').setValue('mQINBFCMc9EBEADDKn9m\nOfaA29yUhsD==\n')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateBootSource).toHaveBeenCalledWith(
      {
        id: 1,
        url: 'file:///media/usb/maas/stable/',
        keyring_data: 'mQINBFCMc9EBEADDKn9mOfaA29yUhsD=='
      },
      { requestId: expect.any(String) }
    )
  })

  it('shows the signature error and keeps showing the old source when Connect fails', async () => {
    let reject: (e: unknown) => void = () => {}
    bridge.updateBootSource.mockImplementation(() => new Promise<BootSource>((_resolve, r) => (reject = r)))
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
    await wrapper.get('[data-testid="source-url-input"]').setValue('http://evil.example/stable/')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    // While main fetches and verifies: a spinner, and Connect can't be pressed twice.
    expect(wrapper.find('[data-testid="connecting"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="connect-button"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid="connect-button"] .p-icon--spinner').exists()).toBe(true)

    reject(
      new BridgeError(
        'signature',
        'signature check failed for http://evil.example/stable/streams/v1/index.sjson: no key in the keyring signed it'
      )
    )
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('streams/v1/index.sjson')
    expect(wrapper.get('[role="alert"]').text()).toContain('Connect failed')
    expect(wrapper.get('[data-testid="change-source-url"]').text()).toBe(
      'https://images.maas.io/ephemeral-v3/stable/'
    )
    // What was typed stays, so the admin can fix it and retry.
    expect((wrapper.get('[data-testid="source-url-input"]').element as HTMLInputElement).value).toBe(
      'http://evil.example/stable/'
    )
  })

  it('validates the custom fields before calling main', async () => {
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
    await wrapper.get('[data-testid="source-url-input"]').setValue('mirror.internal/stable')
    await wrapper.get('[data-testid="keyring-mode-data"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateBootSource).not.toHaveBeenCalled()
    expect(wrapper.text()).toContain('The URL must start with http://')
    expect(wrapper.get('[data-testid="keyring-error"]').text()).toContain('Paste the keyring as base64')
  })

  it('offers an explicit unsigned choice, warns about it, and saves the index.json URL', async () => {
    bridge.updateBootSource.mockImplementation(async (arg) => source({ ...arg, updated: 'x' }))
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
    await wrapper.get('[data-testid="source-url-input"]').setValue('http://m/stable/')
    expect(wrapper.find('[data-testid="unsigned-hint"]').exists()).toBe(false)
    await wrapper.get('[data-testid="signing-unsigned"] input').setValue(true)
    expect(wrapper.get('[data-testid="unsigned-hint"]').text()).toContain('without signature checks')
    // No keyring is asked for: none is used.
    expect(wrapper.find('[data-testid="keyring-file-input"]').exists()).toBe(false)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateBootSource).toHaveBeenCalledWith(
      {
        id: 1,
        url: 'http://m/stable/streams/v1/index.json'
      },
      { requestId: expect.any(String) }
    )
    expect(wrapper.get('[data-testid="connect-success"]').text()).toContain('without a signature check')
  })

  it('uses the default keyring (AppInfo.default_keyring) when a custom mirror leaves it empty', async () => {
    bridge.getAppInfo.mockResolvedValue({
      name: 'MAAS Images',
      version: '0.1.0',
      data_dir: 'C:\\Users\\admin\\AppData\\Roaming\\maas-images',
      default_keyring: 'C:\\Program Files\\MAAS Images\\resources\\ubuntu-cloudimage-keyring.gpg',
      host: 'app'
    })
    bridge.listBootSources.mockResolvedValue([
      source({ url: 'http://mirror.internal/stable/', keyring_filename: '', keyring_data: 'QUJD' })
    ])
    bridge.updateBootSource.mockImplementation(async (arg) => source({ ...arg, updated: 'x' }))
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="keyring-mode-file"] input').setValue(true)
    const input = wrapper.get('[data-testid="keyring-file-input"]')
    expect((input.element as HTMLInputElement).value).toBe('')
    expect(input.attributes('placeholder')).toContain('ubuntu-cloudimage-keyring.gpg (default)')
    // The help under the field names the default and is what the input is described by.
    const help = wrapper.get(`#${input.attributes('aria-describedby')}`)
    expect(help.text()).toContain('Leave empty to use the Ubuntu cloud image keyring')
    expect(help.text()).not.toMatch(/keybox/i)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateBootSource).toHaveBeenCalledWith(
      {
        id: 1,
        url: 'http://mirror.internal/stable/',
        keyring_filename: 'C:\\Program Files\\MAAS Images\\resources\\ubuntu-cloudimage-keyring.gpg'
      },
      { requestId: expect.any(String) }
    )
  })

  it('after Connect shows the fetched images; Update selection saves the ticks and starts a sync', async () => {
    bridge.updateBootSource.mockImplementation(async (arg) =>
      source({ url: arg.url, updated: '2025-08-06T00:00:00.000Z' })
    )
    bridge.listSelections.mockResolvedValue([])
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    expect(wrapper.find('[data-testid="image-selection"]').exists()).toBe(false)
    await wrapper.get('[data-testid="stream-candidate"] input').setValue(true)
    bridge.listBootSources.mockResolvedValue([
      source({ url: CANDIDATE, updated: '2025-08-06T00:00:00.000Z' })
    ])
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="showing-images-from"]').text()).toBe(
      `Showing images fetched from ${CANDIDATE}`
    )
    expect(bridge.getCatalogue).toHaveBeenCalled()
    const checkbox = wrapper.get('[data-testid="image-checkbox-ubuntu-noble-amd64"] input')
    await checkbox.setValue(true)
    const update = wrapper.get('[data-testid="save-selection"]')
    expect(update.text()).toBe('Update selection')
    await update.trigger('click')
    await flushPromises()
    expect(bridge.applySelectionChanges).toHaveBeenCalledWith({
      boot_source_id: 1,
      delete: [],
      update: [],
      create: [expect.objectContaining({ os: 'ubuntu', release: 'noble', arches: ['amd64'] })]
    })
    expect(bridge.restartImport).toHaveBeenCalledTimes(1)
    expect(bridge.applySelectionChanges.mock.invocationCallOrder[0]).toBeLessThan(
      bridge.restartImport.mock.invocationCallOrder[0]
    )
    expect(wrapper.get('[data-testid="selection-saved"]').text()).toContain(
      'Selection saved (1 added). Sync started.'
    )
  })

  it('Cancel after Connect leaves the selection alone and goes back to Images', async () => {
    bridge.updateBootSource.mockImplementation(async (arg) => source({ url: arg.url, updated: 'y' }))
    const { wrapper, router } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="stream-candidate"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper.get('[data-testid="cancel-selection"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/images')
    expect(bridge.applySelectionChanges).not.toHaveBeenCalled()
    expect(bridge.createSelection).not.toHaveBeenCalled()
    expect(bridge.deleteSelection).not.toHaveBeenCalled()
    expect(bridge.restartImport).not.toHaveBeenCalled()
  })

  it('is disabled while an import runs, with MAAS words as the reason', async () => {
    bridge.getImportStatus.mockResolvedValue({
      importing: true,
      progress: null,
      last_result: null,
      next_sync_at: null
    } as never)
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    expect(wrapper.get('[data-testid="change-source-locked-notice"]').text()).toContain(
      'Cannot change source while images are downloading.'
    )
    const connect = wrapper.get('[data-testid="connect-button"]')
    expect(connect.attributes('disabled')).toBeDefined()
    expect(connect.attributes('title')).toBe('Cannot change source while images are downloading.')
    // The whole form is one disabled fieldset: no radio, field or button can be used.
    expect(wrapper.get('[data-testid="change-source-form"] fieldset').attributes('disabled')).toBeDefined()
  })
})
