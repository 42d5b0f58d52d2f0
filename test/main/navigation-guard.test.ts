import { describe, expect, it, vi } from 'vitest'
import type { WebContents } from 'electron'
import { guardNavigation, isSafeExternalUrl } from '../../src/main/shell/navigation-guard'

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

  it('denies new windows and opens only https links externally', () => {
    const { open, openExternal } = setup()
    expect(open('https://maas.io/docs')).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledWith('https://maas.io/docs')
    for (const url of ['http://maas.io/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share']) {
      expect(open(url)).toEqual({ action: 'deny' })
    }
    expect(openExternal).toHaveBeenCalledTimes(1)
    expect(isSafeExternalUrl('not a url')).toBe(false)
  })
})
