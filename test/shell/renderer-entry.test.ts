/** Which page the window loads, decided by the build (import.meta.env.DEV), never by the environment alone. */
import { describe, expect, it } from 'vitest'
import { isSameOrigin, originOf } from '../../src/main/shell/app-origin'
import { rendererEntry } from '../../src/main/shell/renderer-entry'

describe('rendererEntry', () => {
  it('ignores the dev-server URL in a production build and turns DevTools off', () => {
    expect(rendererEntry({ devBuild: false, devServerUrl: 'http://localhost:5173/' })).toEqual({
      url: 'app://maas-images/index.html',
      origin: 'app://maas-images',
      devTools: false
    })
    expect(rendererEntry({ devBuild: false })).toMatchObject({
      url: 'app://maas-images/index.html',
      devTools: false
    })
  })

  it('loads the dev server in a development build, trusting exactly its origin', () => {
    expect(rendererEntry({ devBuild: true, devServerUrl: 'http://localhost:5173/' })).toEqual({
      url: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
      devTools: true
    })
    // A dev build without a dev server (electron-vite preview of a dev build) still uses app://.
    expect(rendererEntry({ devBuild: true })).toMatchObject({
      url: 'app://maas-images/index.html',
      devTools: true
    })
    // Only http(s) dev servers.
    expect(rendererEntry({ devBuild: true, devServerUrl: 'file:///tmp/x.html' }).url).toBe(
      'app://maas-images/index.html'
    )
  })
})

describe('origins', () => {
  it('rebuilds the origin of schemes Node does not know', () => {
    expect(originOf('app://maas-images/index.html#/images')).toBe('app://maas-images')
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173')
    expect(originOf('file:///etc/passwd')).toBeNull()
    expect(originOf('nonsense')).toBeNull()
  })

  it('compares origins exactly, not by prefix', () => {
    expect(isSameOrigin('app://maas-images/index.html#/x', 'app://maas-images')).toBe(true)
    expect(isSameOrigin('app://maas-images.evil/index.html', 'app://maas-images')).toBe(false)
    expect(isSameOrigin('http://localhost:51739/', 'http://localhost:5173')).toBe(false)
    expect(isSameOrigin('http://localhost:5173.evil.example/', 'http://localhost:5173')).toBe(false)
    expect(isSameOrigin('https://localhost:5173/', 'http://localhost:5173')).toBe(false)
  })
})
