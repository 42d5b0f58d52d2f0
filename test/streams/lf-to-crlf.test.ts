/**
 * lfToCrlf feeds the text-signature hash: any byte it gets wrong makes every signed stream fail (or, worse, a
 * different text verify). It reads 8 bytes at a time, so LFs are put at every offset within and across those
 * words, next to every byte value, and compared with the plain string rewrite.
 */
import { describe, expect, it } from 'vitest'
import { lfToCrlf } from '../../src/main/streams/lf-to-crlf'

function expected(bytes: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(bytes).toString('latin1').replaceAll('\n', '\r\n'), 'latin1')
}

describe('lfToCrlf', () => {
  it('puts a CR before an LF at every position of buffers of every length up to 40', () => {
    for (let len = 0; len <= 40; len++) {
      for (let at = 0; at < len; at++) {
        const src = Buffer.alloc(len, 0x61)
        src[at] = 0x0a
        expect(Buffer.from(lfToCrlf(src)).equals(expected(src)), `length ${len}, LF at ${at}`).toBe(true)
      }
    }
  })

  it('leaves every other byte value alone, next to LFs or not (0x0b, 0x09, 0x8a, 0xff, 0x00 are not LFs)', () => {
    const src = new Uint8Array(256 * 3)
    for (let i = 0; i < 256; i++) {
      src[i] = i
      src[256 + 2 * i] = i
      src[256 + 2 * i + 1] = 0x0a
    }
    expect(Buffer.from(lfToCrlf(src)).equals(expected(src))).toBe(true)
  })

  it('matches the string rewrite on random bytes with runs of LFs, at unaligned views of a larger buffer', () => {
    let seed = 12345
    const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16
    const big = new Uint8Array(100_003)
    for (let i = 0; i < big.length; i++) big[i] = next() % 5 === 0 ? 0x0a : next() & 0xff
    for (const offset of [0, 1, 3, 7]) {
      const view = big.subarray(offset, big.length - offset)
      expect(Buffer.from(lfToCrlf(view)).equals(expected(view)), `offset ${offset}`).toBe(true)
    }
  })

  it('turns UTF-8 text with LF line ends into exactly the UTF-8 of its CRLF form', () => {
    const text = `{\n "a": "é\u{1F600}",\n\n "b": "x"\n}\n`
    expect(Buffer.from(lfToCrlf(Buffer.from(text))).equals(Buffer.from(text.replaceAll('\n', '\r\n')))).toBe(
      true
    )
  })
})
