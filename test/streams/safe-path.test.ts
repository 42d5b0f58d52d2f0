import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { assertSafeItemPath, isSafeItemPath, joinStreamPath } from '../../src/main/streams/safe-path'

function refusal(path: string): AppError {
  try {
    assertSafeItemPath(path, 'products.sjson: product P version V item I')
  } catch (err) {
    return err as AppError
  }
  throw new Error(`${JSON.stringify(path)} was accepted`)
}

describe('assertSafeItemPath', () => {
  it.each([
    ['/etc/passwd', 'absolute path'],
    ['noble/../../etc/passwd', "'..' segment"],
    ['..', "'..' segment"],
    ['noble\\amd64\\squashfs', 'backslash'],
    ['noble/amd64\0/squashfs', 'NUL'],
    ['file:///etc/passwd', 'URL scheme'],
    ['http://evil.example/x', 'URL scheme'],
    ['C:/Windows/x', 'absolute Windows path'],
    ['', 'empty path'],
    ['%2e%2e/%2e%2e/%2e%2e/etc/passwd', "percent-encoded '..' segment"],
    ['noble/%2E./etc', "percent-encoded '..' segment"],
    ['noble/.%2e', "percent-encoded '..' segment"],
    ['noble%2f..%2fetc', 'percent-encoded slash'],
    ['noble%2F..', 'percent-encoded slash'],
    ['noble%5c..%5cetc', 'percent-encoded backslash'],
    ['noble/x%00', 'percent-encoded NUL']
  ])('refuses %j (%s)', (path, why) => {
    const err = refusal(path)
    expect(err.code).toBe('unsafe_path')
    expect(err.message).toContain(why)
    expect(err.message).toContain('products.sjson: product P version V item I')
  })

  it('accepts normal stream paths, including colons after the first slash', () => {
    expect(() => assertSafeItemPath('noble/amd64/20250805/squashfs', 'x')).not.toThrow()
    expect(() => assertSafeItemPath('streams/v1/com.ubuntu.maas:stable:v3:download.sjson', 'x')).not.toThrow()
    expect(() => assertSafeItemPath('a/..b/c', 'x')).not.toThrow()
    expect(() => assertSafeItemPath('a/%2e%2eb/c%20d', 'x')).not.toThrow()
  })

  it('isSafeItemPath (the fast path items go through) agrees on percent-encoded paths', () => {
    expect(isSafeItemPath('%2e%2e/%2e%2e/etc/passwd')).toBe(false)
    expect(isSafeItemPath('noble%2f..%2fetc')).toBe(false)
    // '%' must not make the fast path skip its other checks.
    expect(isSafeItemPath('%20/../etc')).toBe(false)
    expect(isSafeItemPath('noble/a%20b')).toBe(true)
  })
})

describe('joinStreamPath', () => {
  it('joins onto URLs without reading colons as schemes, and encodes what must be', () => {
    expect(
      joinStreamPath('http://m/ephemeral-v3/stable', 'streams/v1/com.ubuntu.maas:stable:v3:download.sjson')
    ).toBe('http://m/ephemeral-v3/stable/streams/v1/com.ubuntu.maas:stable:v3:download.sjson')
    expect(joinStreamPath('http://m/', 'a b/c#d?e%f')).toBe('http://m/a%20b/c%23d%3Fe%25f')
  })

  it('joins onto directories', () => {
    expect(joinStreamPath('/media/usb/stable', 'noble/amd64/squashfs')).toBe(
      '/media/usb/stable/noble/amd64/squashfs'
    )
  })
})
