import * as openpgp from 'openpgp'
import { AppError } from '@shared/errors'
import { KEYRING_MAX_BYTES } from '@shared/keyring-data'
import { formatLimit } from '../net/limits'
import { readLocalFile } from '../net/local-file'

export interface KeyringRef {
  keyring_filename?: string
  /** base64 of a binary or armored keyring */
  keyring_data?: string
}

/** How a keyring is named in messages: its file, or "keyring_data" when it came inline. */
export function keyringName(k: KeyringRef): string {
  if (k.keyring_data && k.keyring_data.trim()) return 'keyring_data'
  return k.keyring_filename || '(none)'
}

/** GnuPG keyboxes (pubring.kbx) carry "KBXf" at bytes 8..11 of their first blob. */
function isKeybox(data: Uint8Array): boolean {
  return data.length >= 12 && Buffer.from(data.subarray(8, 12)).toString('latin1') === 'KBXf'
}

/**
 * Drops GnuPG trust packets (tag 12) from a binary keyring. They are local trust data that only GnuPG
 * understands and they can trip other parsers. Returns the input unchanged if it does not parse as packets.
 */
export function stripTrustPackets(data: Uint8Array): Uint8Array {
  const keep: Uint8Array[] = []
  let i = 0
  while (i < data.length) {
    const start = i
    const b = data[i++]
    if ((b & 0x80) === 0) return data
    let tag: number
    let len: number
    if (b & 0x40) {
      tag = b & 0x3f
      const l1 = data[i++]
      if (l1 < 192) len = l1
      else if (l1 < 224) len = ((l1 - 192) << 8) + data[i++] + 192
      else if (l1 === 255) {
        len = Buffer.from(data.subarray(i, i + 4)).readUInt32BE(0)
        i += 4
      } else return data // partial lengths never occur in keys
    } else {
      tag = (b >> 2) & 0x0f
      const type = b & 0x03
      if (type === 3) len = data.length - i
      else {
        const n = 1 << type
        len = 0
        for (let k = 0; k < n; k++) len = len * 256 + data[i++]
      }
    }
    if (i + len > data.length || Number.isNaN(len)) return data
    i += len
    if (tag !== 12) keep.push(data.subarray(start, i))
  }
  return Buffer.concat(keep)
}

async function parseKeys(data: Uint8Array, name: string): Promise<openpgp.PublicKey[]> {
  if (isKeybox(data)) {
    throw new AppError(
      'keyring',
      `${name} is a GnuPG keybox, not an OpenPGP keyring; export one with: gpg --export KEYID > ring.gpg`
    )
  }
  const text = Buffer.from(data.subarray(0, 200)).toString('latin1').trimStart()
  let keys: openpgp.Key[]
  try {
    if (text.startsWith('-----BEGIN PGP')) {
      // One file may hold several armored blocks (cat a.asc b.asc > ring.asc); readKeys takes one at a time.
      const blocks =
        Buffer.from(data)
          .toString('utf8')
          .match(/-----BEGIN PGP [^-]+-----[\s\S]*?-----END PGP [^-]+-----/g) ?? []
      keys = (await Promise.all(blocks.map((armoredKeys) => openpgp.readKeys({ armoredKeys })))).flat()
    } else {
      keys = await openpgp.readKeys({ binaryKeys: stripTrustPackets(data) })
    }
  } catch (err) {
    throw new AppError('keyring', `${name} is not a readable OpenPGP keyring: ${(err as Error).message}`, {
      cause: err
    })
  }
  if (keys.length === 0) throw new AppError('keyring', `${name} contains no OpenPGP public keys`)
  // Only public material is ever needed; a secret key someone exported by mistake is reduced to its public part.
  return keys.map((k) => (k.isPrivate() ? (k as openpgp.PrivateKey).toPublic() : (k as openpgp.PublicKey)))
}

/**
 * Loads the keyring of a boot source: keyring_data (base64) wins over keyring_filename, as in MAAS.
 * Binary (`gpg --export`) and ASCII-armored keyrings with any number of keys are accepted. The default openpgp
 * config already accepts SHA-1 self-signatures on keys (the Ubuntu cloud image key has them) while still
 * refusing SHA-1 for message signatures, which is exactly the policy we want.
 */
export async function loadKeyring(k: KeyringRef, signal?: AbortSignal): Promise<openpgp.PublicKey[]> {
  if (k.keyring_data && k.keyring_data.trim()) {
    const data = Buffer.from(k.keyring_data.trim(), 'base64')
    if (data.length === 0) throw new AppError('keyring', 'keyring_data is not valid base64')
    return parseKeys(data, 'keyring_data')
  }
  const path = k.keyring_filename
  if (!path) throw new AppError('keyring', 'no keyring configured: set keyring_filename or keyring_data')
  return parseKeys(await readKeyringFile(path, signal), path)
}

/**
 * A keyring file is a path an admin typed, so it gets the bounded local reader: regular files only (a FIFO is
 * refused without waiting for a writer, /dev/zero without reading it), at most KEYRING_MAX_BYTES, and Ctrl-C
 * or Stop release the read.
 */
async function readKeyringFile(path: string, signal: AbortSignal | undefined): Promise<Buffer> {
  const tooBig = (): AppError =>
    new AppError(
      'keyring',
      `keyring ${path} is over the ${formatLimit(KEYRING_MAX_BYTES)} limit for a keyring: refused`
    )
  try {
    return await readLocalFile(path, KEYRING_MAX_BYTES, tooBig, { signal })
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    if (err.code === 'keyring' || err.code === 'cancelled') throw err
    if (err.code === 'not_found')
      throw new AppError('keyring', `keyring file not found: ${path}`, { cause: err })
    // The reader's messages begin with the path ("… is a FIFO, expected a regular file: refused").
    const text = err.message.startsWith(path)
      ? `keyring ${err.message}`
      : `cannot read keyring ${path}: ${err.message}`
    throw new AppError('keyring', text, { cause: err })
  }
}
