/**
 * The app:// handler's path safety (src/main/shell/app-asset.ts): only files of the built renderer
 * folder, with their MIME type; no `..`, no encoded traversal, no other host or scheme.
 */
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIME_TYPES, resolveAppAsset } from '../../src/main/shell/app-asset'

const dir = resolve('/opt/maas-images/out/renderer')

describe('resolveAppAsset', () => {
  it('maps app://maas-images/ paths to files under the renderer folder with their MIME type', () => {
    expect(resolveAppAsset('app://maas-images/index.html', dir)).toEqual({
      ok: true,
      file: join(dir, 'index.html'),
      mime: 'text/html; charset=utf-8'
    })
    expect(resolveAppAsset('app://maas-images/', dir)).toMatchObject({
      ok: true,
      file: join(dir, 'index.html')
    })
    expect(resolveAppAsset('app://maas-images/assets/index-NKaxBuvS.js?v=1#x', dir)).toEqual({
      ok: true,
      file: join(dir, 'assets', 'index-NKaxBuvS.js'),
      mime: 'text/javascript; charset=utf-8'
    })
    expect(resolveAppAsset('app://maas-images/assets/ubuntu%20font.woff2', dir)).toEqual({
      ok: true,
      file: join(dir, 'assets', 'ubuntu font.woff2'),
      mime: 'font/woff2'
    })
    expect(resolveAppAsset('app://maas-images/assets/a.css', dir)).toMatchObject({
      mime: 'text/css; charset=utf-8'
    })
    expect(resolveAppAsset('app://maas-images/logo.svg', dir)).toMatchObject({ mime: 'image/svg+xml' })
  })

  it.each([
    ['app://maas-images/%2e%2e/main/index.js'],
    ['app://maas-images/%2E%2E/%2E%2E/etc/passwd.txt'],
    ['app://maas-images/assets/..%2f..%2fmain%2findex.js'],
    ['app://maas-images/assets/..%5c..%5cmain.js'],
    ['app://maas-images/assets%2findex.js'],
    ['app://maas-images/%252e%252e/x.js'],
    ['app://maas-images/a\\..\\..\\main.js'],
    ['app://maas-images/index.html%00.js'],
    ['app://maas-images/%E0%A4%A.js'],
    ['app://maas-images//etc/passwd.txt'],
    ['app://maas-images/./index.html%2f']
  ])('refuses %s', (url) => {
    const result = resolveAppAsset(url, dir)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.status).toBeGreaterThanOrEqual(400)
  })

  it('judges literal dot segments as written, before the URL parser folds them away', () => {
    for (const url of [
      'app://maas-images/../../etc/passwd.txt',
      'app://maas-images/a/../../../x.js',
      'app://maas-images/./index.html'
    ]) {
      expect(resolveAppAsset(url, dir), url).toMatchObject({ ok: false, status: 400 })
    }
  })

  it('refuses other hosts and schemes, and file types it does not serve', () => {
    expect(resolveAppAsset('app://evil/index.html', dir)).toMatchObject({ ok: false, status: 403 })
    expect(resolveAppAsset('app://maas-images.evil/index.html', dir)).toMatchObject({
      ok: false,
      status: 403
    })
    expect(resolveAppAsset('file:///opt/maas-images/out/renderer/index.html', dir)).toMatchObject({
      ok: false,
      status: 403
    })
    expect(resolveAppAsset('not a url', dir)).toMatchObject({ ok: false, status: 400 })
    expect(resolveAppAsset('app://maas-images/secret.key', dir)).toMatchObject({ ok: false, status: 404 })
    expect(resolveAppAsset('app://maas-images/assets', dir)).toMatchObject({ ok: false, status: 404 })
    expect(MIME_TYPES['.exe']).toBeUndefined()
  })
})
