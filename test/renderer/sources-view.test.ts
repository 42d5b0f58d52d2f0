// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import SourcesView from '../../src/renderer/src/views/SourcesView.vue'
import { BridgeError } from '@shared/bridge-client'
import { createFakeBridge, selection, source, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
const mirror = source({
  id: 2,
  url: 'http://mirror.internal/stable/',
  keyring_filename: '',
  keyring_data: 'mQINBFCMc9EBEADDKn9m'
})

beforeEach(() => {
  bridge = createFakeBridge()
  bridge.listBootSources.mockResolvedValue([source(), mirror])
  bridge.listSelections.mockImplementation(async ({ boot_source_id }) =>
    boot_source_id === 1
      ? [selection({ id: 1 }), selection({ id: 2, release: 'jammy', arches: ['amd64', 'arm64'] })]
      : []
  )
})

describe('Sources', () => {
  it('lists every source with its keyring and selection count, and the first one’s selections', async () => {
    const { wrapper } = await mountWith(SourcesView, bridge)
    expect(wrapper.find('h1').text()).toBe('Sources')
    const first = wrapper.get('[data-testid="source-row-1"]')
    expect(first.text()).toContain('https://images.maas.io/ephemeral-v3/stable/')
    expect(first.text()).toContain('ubuntu-cloudimage-keyring.gpg')
    expect(first.text()).toContain('Used by Images')
    expect(wrapper.get('[data-testid="source-selections-1"]').text()).toBe('2 selections')
    expect(wrapper.get('[data-testid="source-row-2"]').text()).toContain('Keyring data')
    expect(wrapper.get('[data-testid="selection-row-2"]').text()).toContain('amd64, arm64')

    await wrapper.get('[data-testid="source-selections-2"]').trigger('click')
    expect(wrapper.find('[data-testid="selections-panel-2"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="selection-row-1"]').exists()).toBe(false)
  })

  it('words the selection count and lets URLs wrap only after their slashes', async () => {
    bridge.listSelections.mockImplementation(async ({ boot_source_id }) =>
      boot_source_id === 1 ? [selection()] : []
    )
    const { wrapper } = await mountWith(SourcesView, bridge)
    expect(wrapper.get('[data-testid="source-selections-1"]').text()).toBe('1 selection')
    expect(wrapper.get('[data-testid="source-selections-2"]').text()).toBe('No selections')
    const url = wrapper.get('[data-testid="source-row-1"] .sources-table__location')
    expect(url.attributes('title')).toBe('https://images.maas.io/ephemeral-v3/stable/')
    // A break opportunity after each slash run, none inside a name.
    expect(url.element.innerHTML.replace(/<!--.*?-->/g, '')).toBe(
      'https://<wbr>images.maas.io/<wbr>ephemeral-v3/<wbr>stable/<wbr>'
    )
    await wrapper.get('[data-testid="source-delete-1"]').trigger('click')
    expect(wrapper.get('[data-testid="delete-source-dialog"]').text()).toContain(
      'Its selection is deleted too'
    )
    expect(wrapper.get('[data-testid="delete-source-dialog"]').text()).not.toContain('(s)')
  })

  it('confirms a delete, saying that its selections go too', async () => {
    const { wrapper } = await mountWith(SourcesView, bridge)
    await wrapper.get('[data-testid="source-delete-1"]').trigger('click')
    const dialog = wrapper.get('[data-testid="delete-source-dialog"]')
    expect(dialog.text()).toContain('Its 2 selections are deleted too')
    await dialog.get('[data-testid="confirm-cancel"]').trigger('click')
    expect(bridge.deleteBootSource).not.toHaveBeenCalled()
    expect(wrapper.find('[data-testid="delete-source-dialog"]').exists()).toBe(false)

    await wrapper.get('[data-testid="source-delete-1"]').trigger('click')
    bridge.listBootSources.mockResolvedValue([mirror])
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await flushPromises()
    expect(bridge.deleteBootSource).toHaveBeenCalledWith({ id: 1 })
    expect(wrapper.find('[data-testid="source-row-1"]').exists()).toBe(false)
  })

  it('adds a source through Connect and shows a refusal without closing the form', async () => {
    bridge.createBootSource.mockRejectedValueOnce(
      new BridgeError('conflict', 'a boot source with url http://mirror2.internal/stable/ already exists')
    )
    const { wrapper } = await mountWith(SourcesView, bridge)
    await wrapper.get('[data-testid="add-source-button"]').trigger('click')
    const editor = wrapper.get('[data-testid="source-editor"]')
    await editor.get('[data-testid="source-url-input"]').setValue('http://mirror2.internal/stable/')
    await editor.trigger('submit')
    await flushPromises()
    expect(bridge.createBootSource).toHaveBeenCalledWith({
      url: 'http://mirror2.internal/stable/',
      keyring_filename: '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg'
    })
    expect(wrapper.get('[role="alert"]').text()).toContain('already exists')
    expect(wrapper.find('[data-testid="source-editor"]').exists()).toBe(true)
  })

  it('edits a source with updateBootSource', async () => {
    bridge.updateBootSource.mockImplementation(async (arg) => ({ ...mirror, ...arg }))
    const { wrapper } = await mountWith(SourcesView, bridge)
    await wrapper.get('[data-testid="source-edit-2"]').trigger('click')
    const editor = wrapper.get('[data-testid="source-editor"]')
    expect((editor.get('[data-testid="keyring-data-input"]').element as HTMLTextAreaElement).value).toBe(
      'mQINBFCMc9EBEADDKn9m'
    )
    await editor.get('[data-testid="source-url-input"]').setValue('http://mirror.internal/candidate/')
    await editor.trigger('submit')
    await flushPromises()
    expect(bridge.updateBootSource).toHaveBeenCalledWith({
      id: 2,
      url: 'http://mirror.internal/candidate/',
      keyring_data: 'mQINBFCMc9EBEADDKn9m'
    })
    expect(wrapper.find('[data-testid="source-editor"]').exists()).toBe(false)
  })

  it('edits and deletes a selection', async () => {
    bridge.updateSelection.mockImplementation(async (arg) => selection(arg))
    const { wrapper } = await mountWith(SourcesView, bridge)
    await wrapper.get('[data-testid="selection-edit-2"]').trigger('click')
    await wrapper.get('[data-testid="selection-subarches-input"]').setValue('hwe-22.04, ga-22.04')
    await wrapper.get('[data-testid="selection-editor"]').trigger('submit')
    await flushPromises()
    expect(bridge.updateSelection).toHaveBeenCalledWith({
      boot_source_id: 1,
      id: 2,
      os: 'ubuntu',
      release: 'jammy',
      arches: ['amd64', 'arm64'],
      subarches: ['hwe-22.04', 'ga-22.04'],
      labels: ['*']
    })

    await wrapper.get('[data-testid="selection-delete-1"]').trigger('click')
    expect(wrapper.get('[data-testid="delete-selection-dialog"]').text()).toContain('stop being synced')
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await flushPromises()
    expect(bridge.deleteSelection).toHaveBeenCalledWith({ boot_source_id: 1, id: 1 })
  })

  it('follows sourcesChanged from main', async () => {
    const { wrapper } = await mountWith(SourcesView, bridge)
    bridge.listBootSources.mockResolvedValue([mirror])
    bridge.emit('sourcesChanged', null)
    await flushPromises()
    expect(wrapper.find('[data-testid="source-row-1"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="source-row-2"]').exists()).toBe(true)
  })
})

describe('Sources: verify', () => {
  it("checks a source's signatures with its own keyring and shows the signer", async () => {
    bridge.verifyMirror.mockResolvedValue({
      location: 'http://mirror.internal/stable/',
      ok: true,
      problems: [],
      files: [
        {
          file: 'http://mirror.internal/stable/streams/v1/index.sjson',
          signed: true,
          ok: true,
          key_id: '7FF3F408476CF100',
          fingerprint: '4A3CE3CD565D7EB5C810E2B97FF3F408476CF100'
        }
      ]
    })
    const { wrapper } = await mountWith(SourcesView, bridge)
    await wrapper.get('[data-testid="source-verify-2"]').trigger('click')
    await flushPromises()
    expect(bridge.verifyMirror).toHaveBeenCalledWith(
      {
        location: 'http://mirror.internal/stable/',
        keyring_data: 'mQINBFCMc9EBEADDKn9m'
      },
      { requestId: expect.any(String) }
    )
    const report = wrapper.get('[data-testid="verify-report"]')
    expect(report.text()).toContain('Signatures verified')
    expect(report.text()).toContain('4A3C E3CD 565D 7EB5 C810 E2B9 7FF3 F408 476C F100')
  })

  it('shows why verification could not run', async () => {
    bridge.verifyMirror.mockRejectedValue(
      new BridgeError('keyring', '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg: no such file')
    )
    const { wrapper } = await mountWith(SourcesView, bridge)
    await wrapper.get('[data-testid="source-verify-1"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('ubuntu-cloudimage-keyring.gpg: no such file')
  })

  it('Cancel stops a verify in flight by its request id and shows the report so far', async () => {
    let finish: (r: Awaited<ReturnType<FakeBridge['verifyMirror']>>) => void = () => undefined
    bridge.verifyMirror.mockImplementation(() => new Promise((resolve) => (finish = resolve)))
    bridge.cancelRequest.mockImplementation(async ({ id }) => {
      // What main does: the request's signal aborts and verify resolves with what it checked.
      finish({
        location: 'http://mirror.internal/stable/',
        ok: false,
        files: [],
        problems: [`verify of http://mirror.internal/stable/ cancelled: the report is incomplete (${id})`]
      })
      return { cancelled: true }
    })
    const { wrapper } = await mountWith(SourcesView, bridge)
    expect(wrapper.find('[data-testid="verify-cancel"]').exists()).toBe(false)
    await wrapper.get('[data-testid="source-verify-2"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="verify-running"]').text()).toContain('source 2')
    await wrapper.get('[data-testid="verify-cancel"]').trigger('click')
    await flushPromises()
    const requestId = bridge.verifyMirror.mock.calls[0][1]?.requestId
    expect(requestId).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(bridge.cancelRequest).toHaveBeenCalledWith({ id: requestId })
    expect(wrapper.find('[data-testid="verify-cancel"]').exists()).toBe(false)
    const report = wrapper.get('[data-testid="verify-report"]')
    expect(report.text()).toContain('Verification failed')
    expect(report.text()).toContain(`cancelled: the report is incomplete (${requestId})`)
  })
})
