/**
 * signedBytes decides how the signed text reaches openpgp: whole up to 1 MiB (a stream costs openpgp ~1.7 ms per
 * document, most of the verification of the small index and products files), streamed above it (a 60 MB
 * document must never be copied whole several times). Either way the bytes are the text's UTF-8 with CRLF line
 * ends when it has no CR, and the text itself when it has one.
 */
import { describe, expect, it } from 'vitest'
import { canonicalText } from '../../src/main/streams/cleartext'
import { checkedLineEnds } from '../../src/main/streams/lf-to-crlf'
import { signedBytes, signedBytesOf } from '../../src/main/streams/signature'

const MIB = 1 << 20

async function bytesOf(data: Uint8Array | ReadableStream<Uint8Array>): Promise<Buffer> {
  if (data instanceof Uint8Array) return Buffer.from(data)
  const parts: Buffer[] = []
  for await (const chunk of data as unknown as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts)
}

describe('signedBytes', () => {
  it('hands a text of up to 1 MiB over whole, with CRLF line ends', async () => {
    const text = `{\n "é": "\u{1F600}",\n${'x'.repeat(MIB - 30)}\n}`
    expect(text.length).toBeLessThanOrEqual(MIB)
    const data = signedBytes(text)
    expect(data).toBeInstanceOf(Uint8Array)
    expect((await bytesOf(data)).equals(Buffer.from(text.replaceAll('\n', '\r\n')))).toBe(true)
  })

  it('streams a text over 1 MiB in chunks, with the same bytes as the whole would have', async () => {
    const text = `${'line of text\n'.repeat(MIB / 13 + 10)}`
    expect(text.length).toBeGreaterThan(MIB)
    const data = signedBytes(text)
    expect(data).toBeInstanceOf(ReadableStream)
    expect((await bytesOf(data)).equals(Buffer.from(text.replaceAll('\n', '\r\n')))).toBe(true)
  })

  it('leaves a text with CRs as it is (openpgp canonicalises it), whole or streamed', async () => {
    for (const text of ['a\r\nb\nc\r\n', `${'y\r\n'.repeat(MIB / 3 + 5)}z\n`]) {
      expect((await bytesOf(signedBytes(text))).equals(Buffer.from(text))).toBe(true)
    }
  })
})

describe("signedBytesOf (an ASCII file's own bytes)", () => {
  it('gives exactly the bytes signedBytes gives for the same text, whole or streamed, LF or CR', async () => {
    for (const text of [
      '{\n "a": 1\n}\n',
      `${'line of text\n'.repeat(MIB / 13 + 10)}`,
      'a\r\nb\nc\r\n',
      `${'y\r\n'.repeat(MIB / 3 + 5)}z\n`
    ]) {
      const fromBytes = signedBytesOf(Buffer.from(text, 'latin1'))
      expect(fromBytes instanceof ReadableStream).toBe(text.length > MIB)
      expect((await bytesOf(fromBytes)).equals(await bytesOf(signedBytes(text)))).toBe(true)
    }
  })

  it('never hands openpgp a view of the file: every chunk is a new buffer', async () => {
    const file = Buffer.from('a\r\nb\r\n')
    const data = signedBytesOf(file) as Uint8Array
    expect(data.buffer).not.toBe(file.buffer)
  })

  it('learns, while converting, whether canonicalisation would rewrite the text, across chunk ends', async () => {
    // Blanks before LFs and "- " after them, at and around the 1 MiB chunk ends, and at the text's two ends.
    const line = 'abcdefghijklmnopqrstuvwxyz0123456789\n'
    const base = line.repeat(Math.ceil((2.5 * MIB) / line.length))
    const cases: string[] = [base, `- ${base}`, `${base} `, `${base}\t`]
    for (const at of [MIB - 2, MIB - 1, MIB, MIB + 1, 2 * MIB - 1, 2 * MIB, 37]) {
      cases.push(`${base.slice(0, at)} \n${base.slice(at)}`, `${base.slice(0, at)}\n- ${base.slice(at)}`)
    }
    for (const text of cases) {
      const checks = { rewrite: false }
      const bytes = Buffer.from(text, 'latin1')
      checkedLineEnds(bytes, checks)
      const out = await bytesOf(signedBytesOf(bytes, checks))
      expect(out.equals(await bytesOf(signedBytes(text))), 'the same bytes').toBe(true)
      expect(checks.rewrite, JSON.stringify(text.slice(0, 40))).toBe(canonicalText(text) !== text)
    }
  })
})
