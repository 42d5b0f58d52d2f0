/**
 * The renderer's only way to reach main. In Electron the preload has put `window.maasImages` in
 * place; in browser mode (tests) the page URL carries `?bridge=ws&token=…` and we connect back to
 * the loopback host that served the page.
 */
import type { Bridge } from '@shared/ipc-contract'
import { createBridge } from '@shared/bridge-client'
import { createWebSocketTransport } from './ws-transport'

declare global {
  interface Window {
    maasImages?: Bridge
  }
}

let bridge: Bridge | undefined

export function getBridge(): Bridge {
  if (bridge) return bridge
  if (window.maasImages) return (bridge = window.maasImages)
  const params = new URLSearchParams(window.location.search)
  const token = params.get('token')
  if (params.get('bridge') === 'ws' && token && window.location.protocol === 'http:') {
    const url = `ws://${window.location.host}/bridge?token=${encodeURIComponent(token)}`
    return (bridge = createBridge(createWebSocketTransport(url)))
  }
  throw new Error('MAAS Images: no bridge to the main process')
}

/** For component tests: put a fake bridge in place. */
export function setBridge(fake: Bridge | undefined): void {
  bridge = fake
}
