import * as openpgp from 'openpgp'

export interface TestKey {
  armoredPrivateKey: string
  armoredPublicKey: string
  /** binary transferable public key: what a `gpg --export` keyring file holds */
  publicKeyBinary: Uint8Array
  /** 40 hex digits, upper case */
  fingerprint: string
  /** 16 hex digits, upper case */
  keyId: string
  privateKey: openpgp.PrivateKey
}

// Key generation costs tens of milliseconds; tests create several streams, so one key per name per process.
const cache = new Map<string, Promise<TestKey>>()

/** An Ed25519 signing key (no passphrase) like the one that signs images.maas.io, only faster to make. */
export function createTestKey(name = 'MAAS Images Test Signer'): Promise<TestKey> {
  let key = cache.get(name)
  if (!key) {
    key = makeKey(name)
    cache.set(name, key)
  }
  return key
}

async function makeKey(name: string): Promise<TestKey> {
  const generated = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email: 'test-signer@example.invalid' }],
    format: 'object',
    // Fixed date so signatures made "now" are always after key creation, even on a skewed test clock.
    date: new Date(Date.now() - 24 * 3600 * 1000)
  })
  const privateKey = generated.privateKey
  const publicKey = privateKey.toPublic()
  return {
    armoredPrivateKey: privateKey.armor(),
    armoredPublicKey: publicKey.armor(),
    publicKeyBinary: publicKey.write(),
    fingerprint: publicKey.getFingerprint().toUpperCase(),
    keyId: publicKey.getKeyID().toHex().toUpperCase(),
    privateKey
  }
}

/**
 * Cleartext-signs `text` as `gpg --clearsign` would (Hash: SHA512), the .sjson form. openpgp writes the text
 * with CRLF line endings; gpg (and so images.maas.io) writes LF, so the output is converted. The signature is
 * over canonical CRLF text either way, so it stays valid.
 */
export async function signCleartext(text: string, key: Pick<TestKey, 'privateKey'>): Promise<string> {
  const message = await openpgp.createCleartextMessage({ text })
  const armored = await openpgp.sign({ message, signingKeys: key.privateKey, format: 'armored' })
  return armored.replace(/\r\n/g, '\n')
}
