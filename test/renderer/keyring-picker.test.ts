// @vitest-environment happy-dom
/**
 * Change source's "Choose file…" button: main's native dialog fills the keyring path, which is
 * then sent like a typed one; a cancelled dialog changes nothing; a refusal is shown.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import ChangeSourceView from '../../src/renderer/src/views/ChangeSourceView.vue'
import { BridgeError } from '@shared/bridge-client'
import { createFakeBridge, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
  bridge.listBootSources.mockResolvedValue([])
})

const MIRROR = 'http://mirror.internal/maas/images/ephemeral-v3/stable/'

async function customSource() {
  const { wrapper } = await mountWith(ChangeSourceView, bridge)
  await wrapper.get('[data-testid="choice-custom"] input').setValue(true)
  await wrapper.get('[data-testid="source-url-input"]').setValue(MIRROR)
  return wrapper
}

describe('keyring file picker', () => {
  it('fills the keyring path from the native dialog and connects with it', async () => {
    bridge.pickKeyringFile.mockResolvedValue({ path: '/home/admin/mirror-keyring.gpg' })
    const wrapper = await customSource()
    await wrapper.get('[data-testid="keyring-file-choose"]').trigger('click')
    await flushPromises()
    expect(bridge.pickKeyringFile).toHaveBeenCalledTimes(1)
    expect((wrapper.get('[data-testid="keyring-file-input"]').element as HTMLInputElement).value).toBe(
      '/home/admin/mirror-keyring.gpg'
    )
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.connectSource).toHaveBeenCalledWith(
      {
        url: MIRROR,
        keyring_filename: '/home/admin/mirror-keyring.gpg'
      },
      { requestId: expect.any(String) }
    )
  })

  it('keeps the typed path when the dialog is cancelled', async () => {
    bridge.pickKeyringFile.mockResolvedValue({ path: null })
    const wrapper = await customSource()
    await wrapper.get('[data-testid="keyring-file-input"]').setValue('/etc/maas/typed.gpg')
    await wrapper.get('[data-testid="keyring-file-choose"]').trigger('click')
    await flushPromises()
    expect((wrapper.get('[data-testid="keyring-file-input"]').element as HTMLInputElement).value).toBe(
      '/etc/maas/typed.gpg'
    )
    expect(wrapper.find('[data-testid="keyring-pick-error"]').exists()).toBe(false)
  })

  it('shows why the dialog could not open', async () => {
    bridge.pickKeyringFile.mockRejectedValue(
      new BridgeError('invalid_argument', 'file and folder pickers exist only in the desktop app')
    )
    const wrapper = await customSource()
    await wrapper.get('[data-testid="keyring-file-choose"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="keyring-pick-error"]').text()).toBe(
      'File and folder pickers exist only in the desktop app'
    )
  })
})
