/**
 * Which URL the window loads. A development build (`electron-vite dev`, decided at build time by
 * Vite's `import.meta.env.DEV`) may load the dev server named by ELECTRON_RENDERER_URL; a
 * production build ignores that variable, so no environment can point a packaged app at another
 * page. Electron-free, so the decision is unit-tested.
 */
import { APP_ENTRY_URL, APP_ORIGIN, originOf } from './app-origin'

export interface RendererEntry {
  /** what the window loads */
  url: string
  /** the only origin whose main frame may call the IPC handlers */
  origin: string
  /** DevTools are available in development builds only */
  devTools: boolean
}

export function rendererEntry(opts: { devBuild: boolean; devServerUrl?: string }): RendererEntry {
  if (opts.devBuild && opts.devServerUrl) {
    const origin = originOf(opts.devServerUrl)
    if (origin && /^https?:$/.test(new URL(opts.devServerUrl).protocol))
      return { url: opts.devServerUrl, origin, devTools: true }
  }
  return { url: APP_ENTRY_URL, origin: APP_ORIGIN, devTools: opts.devBuild }
}
