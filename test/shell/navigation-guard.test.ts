import { describe, expect, it, vi } from 'vitest'
import type { WebContents } from 'electron'
import { guardNavigation } from '../../src/main/shell/navigation-guard'
import { isAllowedExternalUrl } from '../../src/main/shell/external-links'

describe('navigation guard', () => {
  function setup() {
    const handlers: Record<string, (e: { preventDefault(): void }) => void> = {}
    let openHandler: (d: { url: string }) => { action: string } = () => ({ action: 'allow' })
    const contents = {
      on: (name: string, fn: (e: { preventDefault(): void }) => void) => (handlers[name] = fn),
      setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn)
    } as unknown as WebContents
    const openExternal = vi.fn(async () => {})
    guardNavigation(contents, openExternal)
    return { handlers, open: (url: string) => openHandler({ url }), openExternal }
  }

  it('prevents every navigation', () => {
    const { handlers } = setup()
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn()
      handlers[name]({ preventDefault })
      expect(preventDefault).toHaveBeenCalled()
    }
  })

  it('denies new windows and opens only allow-listed https links externally', () => {
    const { open, openExternal } = setup()
    expect(open('https://maas.io/docs')).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledWith('https://maas.io/docs')
    for (const url of [
      'http://maas.io/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://evil.example/',
      'https://maas.io.evil.example/'
    ]) {
      expect(open(url)).toEqual({ action: 'deny' })
    }
    expect(openExternal).toHaveBeenCalledTimes(1)
  })

  it('allows only https on the listed hosts and their subdomains, without credentials or ports', () => {
    for (const ok of [
      'https://maas.io/docs',
      'https://docs.ubuntu.com/x',
      'https://github.com/canonical/maas'
    ])
      expect(isAllowedExternalUrl(ok), ok).toBe(true)
    for (const bad of [
      'not a url',
      'http://maas.io/',
      'https://evil.example/',
      'https://notmaas.io/',
      'https://maas.io.evil.example/',
      'https://user:pw@maas.io/',
      'https://maas.io:8443/',
      'file:///etc/passwd',
      'ms-settings:display'
    ])
      expect(isAllowedExternalUrl(bad), bad).toBe(false)
  })
})
