// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import SettingsView from '../../src/renderer/src/views/SettingsView.vue'
import { BridgeError } from '@shared/bridge-client'
import { createFakeBridge, defaultSettings, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'
import { SETTING_KEYS, settingEntry } from '@shared/settings-table'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
})

describe('Settings', () => {
  it('shows the data directory and the saved settings', async () => {
    const { wrapper } = await mountWith(SettingsView, bridge)
    expect(wrapper.find('h1').text()).toBe('Settings')
    expect(wrapper.get('[data-testid="data-dir"]').text()).toBe('/home/admin/.config/maas-images')
    expect((wrapper.get('[data-testid="auto-sync-toggle"] input').element as HTMLInputElement).checked).toBe(
      true
    )
    expect((wrapper.get('[data-testid="sync-interval-input"]').element as HTMLInputElement).value).toBe('60')
    expect((wrapper.get('[data-testid="connections-input"]').element as HTMLInputElement).value).toBe('8')
  })

  it('sends only what changed as the patch', async () => {
    bridge.updateSettings.mockImplementation(async (patch) => ({
      ...defaultSettings(),
      sync_interval_minutes: 30,
      connections: 16,
      proxy: { ...defaultSettings().proxy, https_proxy: 'http://squid.internal:3128/' },
      ...(patch.auto_sync === undefined ? {} : { auto_sync: patch.auto_sync })
    }))
    const { wrapper } = await mountWith(SettingsView, bridge)
    await wrapper.get('[data-testid="sync-interval-input"]').setValue('30')
    await wrapper.get('[data-testid="connections-input"]').setValue('16')
    await wrapper.get('[data-testid="https-proxy-input"]').setValue(' http://squid.internal:3128/ ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateSettings).toHaveBeenCalledWith({
      sync_interval_minutes: 30,
      connections: 16,
      proxy: { https_proxy: 'http://squid.internal:3128/' }
    })
    expect(wrapper.get('[data-testid="settings-saved"]').text()).toContain('Settings saved')
  })

  it('turns automatic sync off', async () => {
    bridge.updateSettings.mockResolvedValue({ ...defaultSettings(), auto_sync: false })
    const { wrapper } = await mountWith(SettingsView, bridge)
    await wrapper.get('[data-testid="auto-sync-toggle"] input').setValue(false)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateSettings).toHaveBeenCalledWith({ auto_sync: false })
  })

  it('turns Start at login on in the desktop app, and hides it where there is no app to start', async () => {
    bridge.updateSettings.mockResolvedValue({ ...defaultSettings(), start_at_login: true })
    const { wrapper } = await mountWith(SettingsView, bridge)
    await wrapper.get('[data-testid="start-at-login-toggle"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateSettings).toHaveBeenCalledWith({ start_at_login: true })

    const browser = createFakeBridge()
    browser.getAppInfo.mockResolvedValue({ ...(await bridge.getAppInfo()), host: 'test-bridge' })
    const other = await mountWith(SettingsView, browser)
    expect(other.wrapper.find('[data-testid="start-at-login-toggle"]').exists()).toBe(false)
  })

  it('explains invalid values and sends nothing', async () => {
    const { wrapper } = await mountWith(SettingsView, bridge)
    await wrapper.get('[data-testid="connections-input"]').setValue('40')
    await wrapper.get('[data-testid="sync-interval-input"]').setValue('2')
    await wrapper.get('[data-testid="http-proxy-input"]').setValue('https://squid:3128')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateSettings).not.toHaveBeenCalled()
    const text = wrapper.text()
    expect(text).toContain('Enter a whole number from 1 to 32.')
    expect(text).toContain('Enter a whole number of minutes from 5 to 10080')
    expect(text).toContain('Only http:// proxies are supported')
  })

  it('shows a stored proxy password only as the mask, in a password field, and sends the mask back', async () => {
    const masked = {
      ...defaultSettings(),
      proxy: { ...defaultSettings().proxy, https_proxy: 'http://admin:********@squid:3128/' }
    }
    bridge.getSettings.mockResolvedValue(masked)
    bridge.updateSettings.mockResolvedValue({ ...masked, connections: 4 })
    const { wrapper } = await mountWith(SettingsView, bridge)
    const url = wrapper.get('[data-testid="https-proxy-input"]').element as HTMLInputElement
    const password = wrapper.get('[data-testid="https-proxy-password-input"]').element as HTMLInputElement
    expect(url.value).toBe('http://admin@squid:3128/')
    expect(password.type).toBe('password')
    expect(password.value).toBe('********')
    // Untouched, the proxy is not sent at all.
    await wrapper.get('[data-testid="connections-input"]').setValue('4')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateSettings).toHaveBeenLastCalledWith({ connections: 4 })
    // A new password goes into the URL main stores.
    await wrapper.get('[data-testid="https-proxy-password-input"]').setValue('n3w p@ss')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateSettings).toHaveBeenLastCalledWith({
      proxy: { https_proxy: 'http://admin:n3w%20p%40ss@squid:3128/' }
    })
  })

  it('says where main keeps the proxy password, as main says it', async () => {
    const onFile = {
      ...defaultSettings(),
      proxy_password_storage: {
        where: 'file' as const,
        message:
          'Proxy password: kept in settings.json (mode 0600): no system keyring on this machine (no D-Bus)'
      }
    }
    bridge.getSettings.mockResolvedValue(onFile)
    const { wrapper } = await mountWith(SettingsView, bridge)
    expect(wrapper.get('[data-testid="proxy-password-storage"]').text()).toBe(
      onFile.proxy_password_storage.message
    )
  })

  it("shows main's refusal", async () => {
    bridge.updateSettings.mockRejectedValue(new BridgeError('io', 'settings.json: read-only file system'))
    const { wrapper } = await mountWith(SettingsView, bridge)
    await wrapper.get('[data-testid="connections-input"]').setValue('4')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('settings.json: read-only file system')
  })

  it('changes the default commissioning release (MAAS commissioning_distro_series) and checks it', async () => {
    bridge.updateSettings.mockResolvedValue({ ...defaultSettings(), commissioning_distro_series: 'jammy' })
    const { wrapper } = await mountWith(SettingsView, bridge)
    const input = wrapper.get('[data-testid="commissioning-series-input"]')
    expect((input.element as HTMLInputElement).value).toBe('noble')
    await input.setValue('Jammy Jellyfish')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('Give an Ubuntu release codename')
    expect(bridge.updateSettings).not.toHaveBeenCalled()
    await input.setValue(' jammy ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bridge.updateSettings).toHaveBeenCalledWith({ commissioning_distro_series: 'jammy' })
  })

  it('shows a labelled control for every entry of the settings table', async () => {
    const { wrapper } = await mountWith(SettingsView, bridge)
    const labels = wrapper.findAll('label').map((l) => l.text())
    for (const key of SETTING_KEYS) {
      const entry = settingEntry(key)
      expect(wrapper.find(`[data-testid="${entry.testid}"]`).exists(), key).toBe(true)
      expect(labels, key).toContain(entry.label)
      if (entry.kind === 'proxy_url') {
        expect(wrapper.find(`[data-testid="${entry.passwordTestid}"]`).exists(), key).toBe(true)
        expect(labels, key).toContain(entry.passwordLabel)
      }
    }
  })
})
