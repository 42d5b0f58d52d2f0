import type * as openpgp from 'openpgp'
import type { SignatureInfo } from '@shared/types'
import { verifyCleartext } from './signature'

export interface Trust {
  /** false: the unsigned (.json) policy */
  signed: boolean
  keys: openpgp.PublicKey[]
  keyringLabel: string
}

/**
 * The text a stream document may be parsed from: for signed streams the verified cleartext only (never the raw
 * file, whose unsigned parts an attacker could change); for the unsigned policy the raw bytes.
 */
export async function openDocument(
  raw: Buffer,
  name: string,
  file: string,
  trust: Trust
): Promise<{ text: string; signature: SignatureInfo }> {
  if (!trust.signed) return { text: raw.toString('utf8'), signature: { file, signed: false } }
  return verifyCleartext(raw, name, file, trust.keys, trust.keyringLabel)
}
