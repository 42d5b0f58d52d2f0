import { isAscii } from 'node:buffer'
import * as openpgp from 'openpgp'
import type { SignatureInfo } from '@shared/types'
import { AppError } from '@shared/errors'
import { canonicalText, CleartextFormatError, frameCleartext, type FramedCleartext } from './cleartext'
import { checkedLineEnds, crlfOfRange, lfToCrlf, type LineChecks } from './lf-to-crlf'

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

/**
 * signedBytes for a text given as its bytes (a slice of the file itself, see verifyCleartext): the same bytes to
 * openpgp, whole up to one chunk, streamed above, with CRLF line ends when there is no CR, without encoding the
 * decoded text back to bytes. With `checks`, each LF's neighbours are looked at as it is converted (crlfOfRange).
 * The chunks are always new buffers: openpgp never holds a view of the file's bytes, which stay in the cache.
 */
export function signedBytesOf(
  bytes: Buffer,
  checks: LineChecks | null = null
): Uint8Array | ReadableStream<Uint8Array> {
  const crlf = bytes.indexOf(0x0d) < 0
  const piece = (from: number, to: number): Uint8Array =>
    crlf ? crlfOfRange(bytes, from, to, checks) : Uint8Array.from(bytes.subarray(from, to))
  if (bytes.length <= CHUNK_CHARS) return piece(0, bytes.length)
  let pos = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pos >= bytes.length) {
        controller.close()
        return
      }
      const end = Math.min(bytes.length, pos + CHUNK_CHARS)
      controller.enqueue(piece(pos, end))
      pos = end
    }
  })
}

function verifiedText(
  text: string,
  file: string,
  { sig, signer }: { sig: VerificationResult; signer: openpgp.PublicKey }
): VerifiedText {
  return {
    text,
    signature: {
      file,
      signed: true,
      key_id: sig.keyID.toHex().toUpperCase(),
      fingerprint: signer.getFingerprint().toUpperCase()
    }
  }
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

/** The signatures that verified over `data`, the first of them with its signer; throws when none did. */
async function verifyData(
  data: Uint8Array | ReadableStream<Uint8Array>,
  signature: openpgp.Signature,
  keys: openpgp.PublicKey[]
): Promise<{ sig: VerificationResult; signer: openpgp.PublicKey }> {
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
  return verified
}

/**
 * The signed bytes of an ASCII file's text straight from the file (its string offsets are its byte offsets), or
 * null when the string path must take it (not ASCII, or it holds a CR). `checks` learns, as the bytes are made,
 * whether the text needed rewriting (a trailing blank, a dash-escape); then these bytes were not the signed text.
 */
function fileBytes(
  raw: Buffer,
  framed: FramedCleartext,
  checks: LineChecks
): Uint8Array | ReadableStream<Uint8Array> | null {
  if (!isAscii(raw)) return null
  const text = raw.subarray(framed.bodyStart, framed.bodyEnd)
  if (text.indexOf(0x0d) >= 0) return null
  checkedLineEnds(text, checks)
  return checks.rewrite ? null : signedBytesOf(text, checks)
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
  let framed: FramedCleartext | null
  let signature: openpgp.Signature
  try {
    // UTF-8, not latin1 even for ASCII files: node makes a large latin1 string an external string, which costs
    // more to decode and makes JSON.parse slower (measured on the 3 MB products file).
    framed = frameCleartext(raw.toString('utf8'))
    if (!framed) throw new AppError('signature', `no OpenPGP signature in ${name}`)
    signature = await openpgp.readSignature({ armoredSignature: framed.armoredSignature })
    checkHashHeaders(signature, framed.hashes)
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
    // Bytes handed over as binary: for a text signature openpgp turns bare LFs into CRLF (a plain scan when they
    // already are CRLF, which an LF-only text is made into here, see lf-to-crlf.ts) instead of re-encoding and
    // re-normalising 3 MB as a string. Above 1 MiB they are streamed in 1 MiB chunks: handed over whole, openpgp
    // keeps several copies of a 60 MB document at once (about 300 MB); streamed, it hashes as it goes.
    // An ASCII file's text (what simplestreams writes) is taken from the file's own bytes, and checked for what
    // canonicalisation rewrites while it is converted; only a text that needed rewriting (or is not ASCII, or
    // has CRs) goes the string way: canonicalised, encoded, and verified as that.
    const checks: LineChecks = { rewrite: false }
    const fromFile = fileBytes(raw, framed, checks)
    if (fromFile) {
      // A failure here is not the verdict: the string way gives it (and its words), whatever the bytes held.
      const verified = await verifyData(fromFile, signature, keys).catch(() => null)
      if (verified && !checks.rewrite) return verifiedText(framed.body, file, verified)
      // Not verified, or these bytes were not the signed text: the signature packets are read again for a clean
      // verification.
      signature = await openpgp.readSignature({ armoredSignature: framed.armoredSignature })
    }
    const text = canonicalText(framed.body)
    return verifiedText(text, file, await verifyData(signedBytes(text), signature, keys))
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
