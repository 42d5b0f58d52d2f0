import * as openpgp from 'openpgp'
import type { SignatureInfo } from '../../shared/types'
import { AppError } from '../../shared/errors'

export interface VerifiedText {
  /** the signed cleartext: the only text JSON may be parsed from */
  text: string
  signature: SignatureInfo
}

const BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----'

function findSigner(keys: openpgp.PublicKey[], keyID: openpgp.KeyID): openpgp.PublicKey | undefined {
  return keys.find((k) => k.getKeys(keyID).length > 0)
}

/**
 * Verifies a cleartext-signed (.sjson) document against the keyring.
 * `name` is how the file is named in messages (stream-relative path); `file` goes into SignatureInfo.
 */
export async function verifyCleartext(
  raw: Buffer,
  name: string,
  file: string,
  keys: openpgp.PublicKey[],
  keyringLabel: string
): Promise<VerifiedText> {
  const armored = raw.toString('utf8')
  if (!armored.trimStart().startsWith(BEGIN) || !armored.includes('-----BEGIN PGP SIGNATURE-----')) {
    throw new AppError('signature', `no OpenPGP signature in ${name}`)
  }
  let message: openpgp.CleartextMessage
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: armored })
  } catch (err) {
    throw new AppError('signature', `no valid OpenPGP signature in ${name}: ${(err as Error).message}`, {
      cause: err
    })
  }
  const ids = message.getSigningKeyIDs()
  if (ids.length === 0) throw new AppError('signature', `no OpenPGP signature in ${name}`)
  const known = ids.find((id) => findSigner(keys, id))
  if (!known) {
    const id = ids[0].toHex().toUpperCase()
    throw new AppError('signature', `${name} is signed by unknown key ${id} (not in keyring ${keyringLabel})`)
  }
  try {
    const result = await openpgp.verify({ message, verificationKeys: keys, expectSigned: true })
    // expectSigned already threw unless every signature verified; find the one made by a key we know.
    const sig = result.signatures.find((s) => findSigner(keys, s.keyID)) ?? result.signatures[0]
    const signer = findSigner(keys, sig.keyID)!
    return {
      text: result.data,
      signature: {
        file,
        signed: true,
        key_id: sig.keyID.toHex().toUpperCase(),
        fingerprint: signer.getFingerprint().toUpperCase()
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw new AppError('signature', `signature verification failed for ${name}: ${(err as Error).message}`, {
      cause: err
    })
  }
}
