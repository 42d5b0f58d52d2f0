import { readFile, writeFile } from 'node:fs/promises'

/** Flips every bit of the byte at `offset` (negative counts from the end). */
export async function tamperByte(path: string, offset = 0): Promise<void> {
  const data = await readFile(path)
  const at = offset < 0 ? data.length + offset : offset
  if (at < 0 || at >= data.length) throw new Error(`offset ${offset} outside ${path} (${data.length} bytes)`)
  data[at] ^= 0xff
  await writeFile(path, data)
}

/**
 * Changes one hex digit of the first sha256 inside a signed (.sjson) file. The file stays a well-formed
 * cleartext message with valid JSON, so only the signature check can notice.
 */
export async function tamperSignedFile(path: string): Promise<void> {
  const text = await readFile(path, 'utf8')
  const m = /"sha256":\s*"([0-9a-f])/.exec(text)
  if (!m) throw new Error(`no sha256 field to tamper with in ${path}`)
  const at = m.index + m[0].length - 1
  const replacement = m[1] === '0' ? '1' : '0'
  await writeFile(path, text.slice(0, at) + replacement + text.slice(at + 1))
}
