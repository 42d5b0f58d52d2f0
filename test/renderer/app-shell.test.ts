// @vitest-environment happy-dom
/** The window's frame: navigation toggle remembered, theme from the system or Settings, titles per screen. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import App from '../../src/renderer/src/App.vue'
import { windowTitle } from '../../src/renderer/src/router'
import { createFakeBridge, type FakeBridge } from './fake-bridge'
import { mountWith } from './mount'

enableAutoUnmount(afterEach)

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
  localStorage.clear()
  document.documentElement.className = ''
})

describe('App shell', () => {
  it('the navigation toggle collapses it, says what it does, and is remembered', async () => {
    const { wrapper } = await mountWith(App, bridge)
    const toggle = wrapper.get('[data-testid="nav-toggle"]')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(toggle.text()).toBe('Collapse navigation')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(wrapper.get('.app-shell').classes()).toContain('is-nav-collapsed')
    await flushPromises()
    expect(localStorage.getItem('maas-images.nav-collapsed')).toBe('true')
    wrapper.unmount()
    const again = await mountWith(App, bridge)
    expect(again.wrapper.get('[data-testid="nav-toggle"]').attributes('aria-expanded')).toBe('false')
    // collapsed links keep their whole name for screen readers, and show it on hover
    const link = again.wrapper.get('a[href="#/sources"], a[href="/sources"]')
    expect(link.text()).toContain('Sources')
    expect(link.attributes('title')).toBe('Sources')
  })

  it('the theme is the stored choice, else the system one, as Vanilla classes on <html>', async () => {
    localStorage.setItem('maas-images.theme', 'dark')
    await mountWith(App, bridge)
    expect(document.documentElement.classList.contains('is-dark')).toBe(true)
  })

  it('a skip link leads to the main panel; each screen names the window', async () => {
    const { wrapper } = await mountWith(App, bridge)
    const skip = wrapper.get('[data-testid="skip-link"]')
    expect(skip.text()).toBe('Skip to main content')
    await skip.trigger('click')
    expect(document.activeElement?.id).toBe('main-content')
    expect(windowTitle('Images')).toBe('Images — MAAS Images')
    expect(windowTitle(undefined)).toBe('MAAS Images')
  })
})
