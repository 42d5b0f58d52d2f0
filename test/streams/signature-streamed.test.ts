/**
 * verifyCleartext streams the signed text to openpgp in 1 MiB chunks (so a 60 MB document is not copied whole
 * several times): a multi-megabyte text must still verify, including a character outside the BMP (a surrogate
 * pair in JS) straddling a chunk boundary and CRLF pairs split across one, and a change anywhere must still fail.
 */
import { describe, expect, it } from 'vitest'
import { utf8Chunks, verifyCleartext } from '../../src/main/streams/signature'
import { createTestKey, signCleartext } from '../support/stream-generator'

const CHUNK = 1 << 20

async function setup(text: string) {
  const key = await createTestKey()
  const armored = await signCleartext(text, key)
  return { key, armored, keys: [key.privateKey.toPublic()] }
}

describe('streamed signature verification', () => {
  it('verifies a 3 MiB text with a surrogate pair across the first chunk boundary', async () => {
    // The emoji's high surrogate is the last UTF-16 unit of the first chunk.
    const text = `{"a":"${'x'.repeat(CHUNK - 7)}\u{1F600}${'y'.repeat(2 * CHUNK)}"}`
    expect(text.charCodeAt(CHUNK - 1)).toBe(0xd83d)
    const { armored, keys } = await setup(text)
    const got = await verifyCleartext(Buffer.from(armored), 'big.sjson', '/x/big.sjson', keys, 'ring')
    expect(got.text.replace(/\r\n/g, '\n')).toBe(text)
  })

  it('verifies a multi-line text whose CRLF pairs fall across chunk boundaries', async () => {
    const line = `${'z'.repeat(1000)}\r\n`
    const text = line.repeat(3000)
    const { armored, keys } = await setup(text)
    const crlf = armored.replace(/\n/g, '\r\n')
    await expect(verifyCleartext(Buffer.from(crlf), 'crlf.sjson', '/x', keys, 'ring')).resolves.toBeTruthy()
  })

  it('still refuses a one-byte change far into a streamed text', async () => {
    const text = `{"a":"${'x'.repeat(3 * CHUNK)}"}`
    const { armored, keys } = await setup(text)
    const at = armored.indexOf('x') + 2 * CHUNK + 5
    const tampered = `${armored.slice(0, at)}w${armored.slice(at + 1)}`
    await expect(verifyCleartext(Buffer.from(tampered), 'big.sjson', '/x', keys, 'ring')).rejects.toThrow(
      'signature verification failed for big.sjson'
    )
  })
})

describe('utf8Chunks', () => {
  async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<{ all: Buffer; sizes: number[] }> {
    const parts: Buffer[] = []
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk))
    return { all: Buffer.concat(parts), sizes: parts.map((p) => p.length) }
  }

  it('with crlf, hands openpgp CRLF line ends so its line-by-line canonicalisation has nothing to copy', async () => {
    // LF-only text (what simplestreams writes), a non-BMP character straddling the first chunk boundary.
    const text = `${'a\n'.repeat(CHUNK / 2 - 1)}x\u{1F600}\n${'é\n'.repeat(CHUNK)}`
    const { all, sizes } = await bytesOf(utf8Chunks(text, { crlf: true }))
    expect(all.equals(Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8'))).toBe(true)
    expect(all.includes('\n')).toBe(true)
    expect(/(^|[^\r])\n/.test(all.toString('utf8'))).toBe(false)
    expect(sizes.length).toBeGreaterThan(1)
  })

  it('verifies an LF-only multi-line text with non-ASCII lines across chunk boundaries', async () => {
    const text = `${'{"ünï": "cødé"}\n'.repeat(200_000)}`
    const { armored, keys } = await setup(text)
    const got = await verifyCleartext(Buffer.from(armored), 'lf.sjson', '/x', keys, 'ring')
    expect(got.text).toBe(text)
    const at = armored.indexOf('cødé', 1_500_000)
    const tampered = `${armored.slice(0, at)}code${armored.slice(at + 4)}`
    await expect(verifyCleartext(Buffer.from(tampered), 'lf.sjson', '/x', keys, 'ring')).rejects.toThrow(
      'signature verification failed for lf.sjson'
    )
  })
})
