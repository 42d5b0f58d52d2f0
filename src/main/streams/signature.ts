import * as openpgp from 'openpgp'
import type { SignatureInfo } from '@shared/types'
import { AppError } from '@shared/errors'
import { CleartextFormatError, parseCleartext } from './cleartext'
import { lfToCrlf } from './lf-to-crlf'

export interface VerifiedText {
  /** the signed cleartext: the only text JSON may be parsed from */
  text: string
  signature: SignatureInfo
}

/**
 * The Hash: armor header must name the hash each signature used (as openpgp's own reader insists), so a
 * header cannot advertise a different algorithm from the one actually signed with.
 */
function checkHashHeaders(signature: openpgp.Signature, hashes: string[]): void {
  if (hashes.length === 0) return
  const ids = hashes.map((h) => {
    const id = (openpgp.enums.hash as unknown as Record<string, number>)[h]
    if (id === undefined) throw new Error(`unknown hash algorithm in armor header: ${h}`)
    return id
  })
  for (const packet of signature.packets) {
    if (packet.hashAlgorithm === null || !ids.includes(packet.hashAlgorithm)) {
      throw new Error('hash algorithm mismatch in armor header and signature')
    }
  }
}

const CHUNK_CHARS = 1 << 20

/**
 * The UTF-8 bytes of `text` as a stream of chunks, never splitting a surrogate pair between two chunks.
 * With `crlf`, every LF goes out as CRLF: the caller promises the text holds no CR at all, so this is exactly what
 * openpgp's canonicalizeEOL would make of it (every LF not after a CR becomes CRLF). openpgp then finds nothing
 * to rewrite; left to it, it copies the text line by line in JS (a third of the read of a 3 MB products file).
 * The CRs go in after encoding, on the bytes (lf-to-crlf.ts): a string replaceAll before it cost 3x as much.
 */
export function utf8Chunks(
  text: string,
  { crlf = false }: { crlf?: boolean } = {}
): ReadableStream<Uint8Array> {
  let pos = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pos >= text.length) {
        controller.close()
        return
      }
      let end = Math.min(text.length, pos + CHUNK_CHARS)
      const last = text.charCodeAt(end - 1)
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
      const piece = text.slice(pos, end)
      const bytes = Buffer.from(piece, 'utf8')
      controller.enqueue(crlf ? lfToCrlf(bytes) : bytes)
      pos = end
    }
  })
}

/**
 * The signed text's UTF-8 bytes as openpgp gets them (CRLF line ends when the text has no CR, see utf8Chunks):
 * whole for a text of up to one chunk, streamed in chunks above that. openpgp's stream plumbing costs about
 * 1.7 ms per document whatever its size (the whole verification of a 1 KB document is 0.5 ms), and a stream
 * read holds at most a few chunks, which is what matters for a 60 MB document; one chunk whole is 2-3 MB of
 * copies at most.
 */
export function signedBytes(text: string): Uint8Array | ReadableStream<Uint8Array> {
  const crlf = !text.includes('\r')
  if (text.length > CHUNK_CHARS) return utf8Chunks(text, { crlf })
  const bytes = Buffer.from(text, 'utf8')
  return crlf ? lfToCrlf(bytes) : bytes
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader()
  while (!(await reader.read()).done);
}

function findSigner(keys: openpgp.PublicKey[], keyID: openpgp.KeyID): openpgp.PublicKey | undefined {
  return keys.find((k) => k.getKeys(keyID).length > 0)
}

type VerificationResult = Awaited<ReturnType<typeof openpgp.verify>>['signatures'][number]

async function firstVerified(
  signatures: VerificationResult[],
  keys: openpgp.PublicKey[]
): Promise<{ sig: VerificationResult; signer: openpgp.PublicKey } | undefined> {
  for (const sig of signatures) {
    // `verified` rejects for a signature that does not verify (and for one by a key not in the keyring).
    const ok = await sig.verified.then(
      (v) => v === true,
      () => false
    )
    const signer = ok ? findSigner(keys, sig.keyID) : undefined
    if (signer) return { sig, signer }
  }
  return undefined
}

/**
 * Verifies a cleartext-signed (.sjson) document against the keyring.
 * `name` is how the file is named in messages (stream-relative path); `file` goes into SignatureInfo.
 * The signature is checked as a detached text signature over the canonical cleartext, which is exactly what a
 * cleartext signature covers, and the returned text is the one that was verified.
 */
export async function verifyCleartext(
  raw: Buffer,
  name: string,
  file: string,
  keys: openpgp.PublicKey[],
  keyringLabel: string
): Promise<VerifiedText> {
  let parsed
  let signature: openpgp.Signature
  try {
    // UTF-8, not latin1 even for ASCII files: node makes a large latin1 string an external string, which costs
    // more to decode and makes JSON.parse slower (measured on the 3 MB products file).
    parsed = parseCleartext(raw.toString('utf8'))
    if (!parsed) throw new AppError('signature', `no OpenPGP signature in ${name}`)
    signature = await openpgp.readSignature({ armoredSignature: parsed.armoredSignature })
    checkHashHeaders(signature, parsed.hashes)
  } catch (err) {
    if (err instanceof AppError) throw err
    const why = err instanceof CleartextFormatError ? err.message : (err as Error).message
    throw new AppError('signature', `no valid OpenPGP signature in ${name}: ${why}`, { cause: err })
  }
  const ids = signature.getSigningKeyIDs()
  if (ids.length === 0) throw new AppError('signature', `no OpenPGP signature in ${name}`)
  if (!ids.some((id) => findSigner(keys, id))) {
    const id = ids[0].toHex().toUpperCase()
    throw new AppError('signature', `${name} is signed by unknown key ${id} (not in keyring ${keyringLabel})`)
  }
  try {
    // UTF-8 bytes handed over as binary: for a text signature openpgp turns bare LFs into CRLF (a plain scan when
    // they already are CRLF, which an LF-only text is made into here, see utf8Chunks) instead of re-encoding and
    // re-normalising 3 MB as a string. The text returned below
    // is these very bytes' text. Above 1 MiB they are streamed in 1 MiB chunks: handed over whole, openpgp keeps
    // several copies of a 60 MB document at once (about 300 MB); streamed, it hashes as it goes (signedBytes).
    const data = signedBytes(parsed.text)
    const message = await openpgp.createMessage({ binary: data })
    const result = await openpgp.verify({
      message,
      signature,
      verificationKeys: keys,
      expectSigned: true,
      format: 'binary'
    })
    // With streamed input the verdict comes at the end of the data: expectSigned makes this read throw when no
    // signature verified. (Whole input comes back whole, already read.)
    if (!(data instanceof Uint8Array)) await drain(result.data as ReadableStream<Uint8Array>)
    // expectSigned only makes openpgp throw when NO signature verifies: with two signatures, one may have
    // failed. The signer reported is the first whose own verification succeeded.
    const verified = await firstVerified(result.signatures, keys)
    if (!verified) throw new Error('no signature verified with a key of the keyring')
    const { sig, signer } = verified
    return {
      text: parsed.text,
      signature: {
        file,
        signed: true,
        key_id: sig.keyID.toHex().toUpperCase(),
        fingerprint: signer.getFingerprint().toUpperCase()
      }
    }
  } catch (err) {
    const why = (err as Error).message
    // openpgp's words; what they mean to an admin is what to check next.
    const meaning = /signed digest did not match/i.test(why)
      ? ': the file changed after it was signed, or the keyring is not the one its publisher signs with'
      : ''
    throw new AppError('signature', `signature verification failed for ${name}: ${why}${meaning}`, {
      cause: err
    })
  }
}
