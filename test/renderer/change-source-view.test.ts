// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import ChangeSourceView from '../../src/renderer/src/views/ChangeSourceView.vue'
import { BridgeError } from '@shared/bridge-client'
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

  it('keeps a choice made while the sources reload, and offers none before they are known', async () => {
    const firstList = bridge.listBootSources.getMockImplementation()!
    let answer: (() => void) | undefined
    bridge.listBootSources.mockImplementationOnce(
      (...args) => new Promise((resolve) => (answer = () => resolve(firstList(...args))))
    )
    const { wrapper, pinia, router } = await mountWith(ChangeSourceView, bridge)
    // The choices sit in the form's fieldset, which disables them (a browser does; happy-dom keeps the attribute).
    const fields = () => wrapper.get('[data-testid="choice-custom"]').element.closest('fieldset[disabled]')
    expect(fields()).not.toBeNull()
    answer!()
    await flushPromises()
    expect(fields()).toBeNull()
    wrapper.unmount()

    // Back on the page: the sources are known, and are fetched again behind the admin's back.
    bridge.listBootSources.mockImplementationOnce(
      (...args) => new Promise((resolve) => (answer = () => resolve(firstList(...args))))
    )
    const again = mount(ChangeSourceView, { global: { plugins: [pinia, router] }, attachTo: document.body })
    await again.vm.$nextTick()
    await again.get('[data-testid="choice-custom"] input').setValue(true)
    answer!()
    await flushPromises()
    expect((again.get('[data-testid="choice-custom"] input').element as HTMLInputElement).checked).toBe(true)
    expect(again.find('[data-testid="source-url-input"]').exists()).toBe(true)
  })

  it('Cancel stops a slow Connect by its request id: nothing saved, no error, the form usable again', async () => {
    // A mirror that never answers: the Connect ends only when main aborts it, as handleRequest does.
    let abort: (() => void) | undefined
    bridge.connectSource.mockImplementationOnce(
      () =>
        new Promise(
          (_, reject) => (abort = () => reject(new BridgeError('cancelled', 'connectSource cancelled')))
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
    const requestId = bridge.connectSource.mock.calls[0][1]?.requestId
    expect(requestId).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(bridge.cancelRequest).toHaveBeenCalledWith({ id: requestId })
    expect(wrapper.find('[data-testid="connect-cancel"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="connect-success"]').exists()).toBe(false)
    expect(wrapper.find('.p-notification--negative').exists()).toBe(false)
    expect((wrapper.get('[data-testid="connect-button"]').element as HTMLButtonElement).disabled).toBe(false)
  })

  it('Connect to the candidate stream verifies it and saves nothing: the current source stays', async () => {
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="stream-candidate"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.connectSource).toHaveBeenCalledWith(
      { id: 1, url: CANDIDATE },
      { requestId: expect.any(String) }
    )
    expect(bridge.createBootSource).not.toHaveBeenCalled()
    expect(bridge.updateBootSource).not.toHaveBeenCalled()
    expect(wrapper.get('[data-testid="connect-success"]').text()).toContain('Nothing is saved yet')
    // the URL is named once, in "Showing images fetched from", not again in the notice
    expect(wrapper.get('[data-testid="connect-success"]').text()).not.toContain(CANDIDATE)
    expect(wrapper.get('[data-testid="change-source-url"]').text()).toBe(
      'https://images.maas.io/ephemeral-v3/stable/'
    )
  })

  it('goes back to maas.io with the cloud-image keyring when the mirror used pasted key data', async () => {
    bridge.listBootSources.mockResolvedValue([
      source({ url: 'http://mirror.internal/stable/', keyring_filename: '', keyring_data: 'QUJD' })
    ])
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    expect((wrapper.get('[data-testid="choice-custom"] input').element as HTMLInputElement).checked).toBe(
      true
    )
    await wrapper.get('[data-testid="choice-maas-io"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.connectSource).toHaveBeenCalledWith(
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
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    expect(wrapper.get('[data-testid="change-source-url"]').text()).toBe('')

    await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
    await wrapper
      .get('[data-testid="source-url-input"]')
      .setValue('http://mirror.internal/maas/images/ephemeral-v3/stable/')
    await wrapper.get('[data-testid="keyring-file-input"]').setValue('/etc/maas/mirror-keyring.gpg')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.connectSource).toHaveBeenCalledTimes(1)
    expect(bridge.connectSource).toHaveBeenCalledWith(
      {
        url: 'http://mirror.internal/maas/images/ephemeral-v3/stable/',
        keyring_filename: '/etc/maas/mirror-keyring.gpg'
      },
      { requestId: expect.any(String) }
    )
  })

  it('sends pasted keyring data and never the file path with it', async () => {
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
    await wrapper.get('[data-testid="source-url-input"]').setValue('file:///media/usb/maas/stable/')
    await wrapper.get('[data-testid="keyring-mode-data"] input').setValue(true)
    await wrapper.get('[data-testid="keyring-data-input"]').setValue('mQINBFCMc9EBEADDKn9m\nOfaA29yUhsD==\n')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.connectSource).toHaveBeenCalledWith(
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
    bridge.connectSource.mockImplementation(() => new Promise<never>((_resolve, r) => (reject = r)))
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
    expect(bridge.connectSource).not.toHaveBeenCalled()
    expect(wrapper.text()).toContain('The URL must start with http://')
    expect(wrapper.get('[data-testid="keyring-error"]').text()).toContain('Paste the keyring as base64')
  })

  it('offers an explicit unsigned choice, warns about it, and saves the index.json URL', async () => {
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
    expect(bridge.connectSource).toHaveBeenCalledWith(
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
    expect(bridge.connectSource).toHaveBeenCalledWith(
      {
        id: 1,
        url: 'http://mirror.internal/stable/',
        keyring_filename: 'C:\\Program Files\\MAAS Images\\resources\\ubuntu-cloudimage-keyring.gpg'
      },
      { requestId: expect.any(String) }
    )
  })

  it('after Connect shows the fetched images; Update selection saves source and ticks together, then Images', async () => {
    bridge.listSelections.mockResolvedValue([])
    const { wrapper, router } = await mountWith(ChangeSourceView, bridge)
    expect(wrapper.find('[data-testid="image-selection"]').exists()).toBe(false)
    await wrapper.get('[data-testid="stream-candidate"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="showing-images-from"]').text()).toBe(
      `Showing images fetched from ${CANDIDATE}`
    )
    // the images shown are the ones Connect verified, not the saved source's catalogue
    expect(bridge.getCatalogue).not.toHaveBeenCalled()
    const checkbox = wrapper.get('[data-testid="image-checkbox-ubuntu-noble-amd64"] input')
    await checkbox.setValue(true)
    const update = wrapper.get('[data-testid="save-selection"]')
    expect(update.text()).toBe('Update selection')
    await update.trigger('click')
    await flushPromises()
    expect(bridge.saveConnectedSource).toHaveBeenCalledWith({
      connection_id: '6f1c1c57-0000-4000-8000-000000000001',
      delete: [],
      update: [],
      create: [expect.objectContaining({ os: 'ubuntu', release: 'noble', arches: ['amd64'] })]
    })
    expect(bridge.applySelectionChanges).not.toHaveBeenCalled()
    expect(bridge.restartImport).toHaveBeenCalledTimes(1)
    expect(bridge.saveConnectedSource.mock.invocationCallOrder[0]).toBeLessThan(
      bridge.restartImport.mock.invocationCallOrder[0]
    )
    expect(router.currentRoute.value.path).toBe('/images')
  })

  it('Cancel after Connect saves neither source nor selection and goes back to Images', async () => {
    const { wrapper, router } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="stream-candidate"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper.get('[data-testid="cancel-selection"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/images')
    expect(bridge.saveConnectedSource).not.toHaveBeenCalled()
    expect(bridge.updateBootSource).not.toHaveBeenCalled()
    expect(bridge.applySelectionChanges).not.toHaveBeenCalled()
    expect(bridge.restartImport).not.toHaveBeenCalled()
  })

  it("a failed Connect removes the previous mirror's picker: no Update selection for what was not verified", async () => {
    const { wrapper } = await mountWith(ChangeSourceView, bridge)
    await wrapper.get('[data-testid="stream-candidate"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid="save-selection"]').exists()).toBe(true)
    bridge.connectSource.mockRejectedValueOnce(new BridgeError('network', 'connection refused'))
    await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
    await wrapper.get('[data-testid="source-url-input"]').setValue('http://down.example/stable/')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('Connection refused')
    expect(wrapper.find('[data-testid="save-selection"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="showing-images-from"]').exists()).toBe(false)
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
