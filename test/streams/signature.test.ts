import * as openpgp from 'openpgp'
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { parseCleartext } from '../../src/main/streams/cleartext'
import { verifyCleartext } from '../../src/main/streams/signature'
import { createTestKey, signCleartext } from '../support/stream-generator'

const TRICKY = [
  '{',
  ' "a": "line with trailing spaces"   ',
  '- starts with a dash and space',
  '-----BEGIN PGP SIGNATURE----- (inside the text)',
  '--not armor',
  '',
  '\t"tabbed": true\t',
  '}'
].join('\n')

async function keysOf(...names: string[]): Promise<openpgp.PublicKey[]> {
  return Promise.all(names.map(async (n) => (await createTestKey(n)).privateKey.toPublic()))
}

/** The verified text, line endings normalised (it keeps the file's own, which may be CRLF). */
async function verify(armored: string, keys: openpgp.PublicKey[]): Promise<string> {
  const { text } = await verifyCleartext(Buffer.from(armored), 'doc.sjson', '/x/doc.sjson', keys, 'ring.gpg')
  return text.replace(/\r\n/g, '\n')
}

describe('cleartext signatures', () => {
  it('returns the same text as openpgp for dash-escaped lines and trailing whitespace', async () => {
    const key = await createTestKey()
    const signed = await signCleartext(TRICKY, key)
    expect(signed).toContain('\n- - starts with a dash')
    const reference = (await openpgp.readCleartextMessage({ cleartextMessage: signed })).getText()
    const keys = await keysOf('MAAS Images Test Signer')
    expect(await verify(signed, keys)).toBe(reference)
    // the same with LF line endings, as gpg --clearsign writes them
    expect(await verify(signed.replace(/\r\n/g, '\n'), keys)).toBe(reference)
    // trailing whitespace is not covered by the signature, in either line ending style
    const padded = signed.replace('"tabbed": true', '"tabbed": true \t ')
    expect(padded).not.toBe(signed)
    expect(await verify(padded, keys)).toBe(reference)
    expect(await verify(padded.replace(/\r\n/g, '\n'), keys)).toBe(reference)
    expect(parseCleartext(signed)!.hashes).toEqual(['sha512'])
  })

  it('verifies an ASCII file whose only rewrite is a trailing blank, and returns the text without it', async () => {
    // The file's own bytes are tried first; a blank before an LF means they are not the signed text.
    const key = await createTestKey()
    const signed = (await signCleartext('{\n "a": 1\n}\n', key)).replace(/\r\n/g, '\n')
    const padded = signed.replace('"a": 1', '"a": 1 ')
    expect(padded).not.toBe(signed)
    expect(await verify(padded, await keysOf('MAAS Images Test Signer'))).toBe('{\n "a": 1\n}\n')
    // A changed text is still refused, whichever way it is read.
    const changed = padded.replace('"a": 1', '"a": 2')
    await expect(verify(changed, await keysOf('MAAS Images Test Signer'))).rejects.toThrow(
      /^signature verification failed for doc\.sjson/
    )
  })

  it('verifies a file whose line endings were converted to CRLF', async () => {
    const key = await createTestKey()
    const signed = (await signCleartext(TRICKY, key)).replace(/\r?\n/g, '\r\n')
    const text = await verify(signed, await keysOf('MAAS Images Test Signer'))
    expect(text).toContain('"tabbed": true')
  })

  it('refuses a text change that keeps the framing intact', async () => {
    const key = await createTestKey()
    const signed = (await signCleartext('{"size": 100}\n', key)).replace('"size": 100', '"size": 900')
    const err = (await verify(signed, await keysOf('MAAS Images Test Signer')).catch((e) => e)) as AppError
    expect(err.code).toBe('signature')
    expect(err.message).toMatch(/^signature verification failed for doc\.sjson: .+/)
  })

  it('never returns text from outside the signed block', async () => {
    const key = await createTestKey()
    const signed = `${await signCleartext('{"a": 1}\n', key)}\n{"a": 2}\n`
    expect(await verify(signed, await keysOf('MAAS Images Test Signer'))).toBe('{"a": 1}\n')
    // text before the framing is not accepted as part of a signed message either
    await expect(verify(`{"a": 2}\n${signed}`, await keysOf('MAAS Images Test Signer'))).rejects.toThrow(
      'no OpenPGP signature in doc.sjson'
    )
  })

  it('refuses a Hash header that does not match the signature', async () => {
    const key = await createTestKey()
    const signed = (await signCleartext('{"a": 1}\n', key)).replace('Hash: SHA512', 'Hash: SHA256')
    await expect(verify(signed, await keysOf('MAAS Images Test Signer'))).rejects.toThrow(
      /no valid OpenPGP signature in doc\.sjson: hash algorithm mismatch/
    )
  })

  it('says when there is no signature block at all', async () => {
    await expect(verify('{"format": "index:1.0"}\n', [])).rejects.toThrow('no OpenPGP signature in doc.sjson')
    const key = await createTestKey()
    const cut = (await signCleartext('{"a": 1}\n', key)).split('-----BEGIN PGP SIGNATURE-----')[0]
    await expect(verify(cut, await keysOf('MAAS Images Test Signer'))).rejects.toThrow(
      'no OpenPGP signature in doc.sjson'
    )
  })

  it('reports signer key id and primary fingerprint', async () => {
    const key = await createTestKey()
    const signed = await signCleartext('{}\n', key)
    const r = await verifyCleartext(
      Buffer.from(signed),
      'doc.sjson',
      '/x/doc.sjson',
      await keysOf('Other', 'MAAS Images Test Signer'),
      'ring'
    )
    expect(r.signature).toEqual({
      file: '/x/doc.sjson',
      signed: true,
      key_id: key.keyId,
      fingerprint: key.fingerprint
    })
  })
})

describe('hash policy', () => {
  // We rely on openpgp's defaults here; this test fails loudly if an upgrade or someone's global config changes
  // them: SHA-1 stays acceptable on key self-signatures (the Ubuntu key needs it) and refused on messages.
  it('accepts SHA-1 on key self-signatures but not on message signatures', () => {
    expect(openpgp.config.rejectHashAlgorithms.has(openpgp.enums.hash.sha1)).toBe(false)
    expect(openpgp.config.rejectMessageHashAlgorithms.has(openpgp.enums.hash.sha1)).toBe(true)
    expect(openpgp.config.rejectMessageHashAlgorithms.has(openpgp.enums.hash.md5)).toBe(true)
  })
})

describe('the signer reported', () => {
  it('is a key whose signature verified, never one whose signature failed', async () => {
    const good = await createTestKey('Signer Good')
    const bad = await createTestKey('Signer Bad')
    const text = '{"content_id": "com.ubuntu.maas:stable:v3:download"}'
    const byGood = await signCleartext(text, good)
    // The bad key signed other bytes; its signature packet is put first next to the good one.
    const byBad = await signCleartext('{"something": "else"}', bad)
    const sigOf = async (armored: string) =>
      openpgp.readSignature({ armoredSignature: parseCleartext(armored)!.armoredSignature })
    const combined = new openpgp.Signature(new openpgp.PacketList())
    combined.packets.push(...(await sigOf(byBad)).packets, ...(await sigOf(byGood)).packets)
    const start = byGood.indexOf('-----BEGIN PGP SIGNATURE-----')
    const armored = byGood.slice(0, start) + combined.armor().replace(/\r\n/g, '\n')
    const keys = await keysOf('Signer Bad', 'Signer Good')
    const { signature } = await verifyCleartext(
      Buffer.from(armored),
      'doc.sjson',
      '/x/doc.sjson',
      keys,
      'ring.gpg'
    )
    expect(signature.fingerprint).toBe(good.fingerprint)
    expect(signature.key_id).toBe(good.keyId)
  })
})
