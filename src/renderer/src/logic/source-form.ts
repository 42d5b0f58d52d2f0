/**
 * The boot source form shared by Change source and Sources: its fields, MAAS's maas.io streams,
 * and the check that turns the fields into a create/update request with exactly one keyring.
 */
import type { BootSource } from '../../../shared/types'
import { UNC_REFUSED, isUncPath } from '../../../shared/unc-path'

export const MAAS_IO_STREAMS = {
  stable: 'https://images.maas.io/ephemeral-v3/stable/',
  candidate: 'https://images.maas.io/ephemeral-v3/candidate/'
} as const
export type MaasIoStream = keyof typeof MAAS_IO_STREAMS

/** Where Ubuntu installs the keyring MAAS uses; main falls back to its bundled copy on create. */
export const UBUNTU_KEYRING = '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg'

export type KeyringMode = 'file' | 'data'

export interface SourceFields {
  url: string
  keyringMode: KeyringMode
  keyringFile: string
  keyringData: string
}

export interface SourceRequest {
  url: string
  keyring_filename?: string
  keyring_data?: string
}

export interface SourceFieldErrors {
  url?: string
  keyring?: string
}

export function fieldsFromSource(source: BootSource | null): SourceFields {
  return {
    url: source?.url ?? '',
    keyringMode: source?.keyring_data ? 'data' : 'file',
    keyringFile: source?.keyring_filename || (source?.keyring_data ? '' : UBUNTU_KEYRING),
    keyringData: source?.keyring_data ?? ''
  }
}

/** Which maas.io stream a URL is, ignoring scheme and trailing slashes (MAAS docs use http://). */
export function maasIoStreamOf(url: string): MaasIoStream | null {
  const bare = url
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
  for (const [stream, streamUrl] of Object.entries(MAAS_IO_STREAMS)) {
    if (bare === streamUrl.replace(/^https:\/\//, '').replace(/\/+$/, '')) return stream as MaasIoStream
  }
  return null
}

export function isCloudImageKeyring(path: string): boolean {
  return /(^|\/)ubuntu-cloudimage-keyring\.gpg$/.test(path)
}

/** A source URL is http(s)://, file:// or an absolute path (a mounted USB stick). */
export function checkUrl(url: string): string | undefined {
  const u = url.trim()
  if (!u) return 'Enter the URL of the stream (http://, https://, file:// or a directory path).'
  if (isUncPath(u)) return capitalise(UNC_REFUSED)
  if (/^https?:\/\/[^/\s]+/i.test(u) || /^file:\/\/\//i.test(u) || u.startsWith('/')) return undefined
  return 'The URL must start with http://, https://, file:/// or be an absolute directory path.'
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

export function validateSourceFields(f: SourceFields): {
  errors: SourceFieldErrors
  request?: SourceRequest
} {
  const errors: SourceFieldErrors = {}
  const urlError = checkUrl(f.url)
  if (urlError) errors.url = urlError
  let keyring: Pick<SourceRequest, 'keyring_filename' | 'keyring_data'> = {}
  if (f.keyringMode === 'file') {
    const path = f.keyringFile.trim()
    if (!path) errors.keyring = 'Enter the path of a GPG keyring file, or paste keyring data instead.'
    else if (isUncPath(path)) errors.keyring = capitalise(UNC_REFUSED)
    else if (!path.startsWith('/')) errors.keyring = 'Give the keyring file as an absolute path.'
    else keyring = { keyring_filename: path }
  } else {
    const data = f.keyringData.replace(/\s+/g, '')
    if (!data) errors.keyring = 'Paste the keyring as base64, or give a keyring file path instead.'
    else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data))
      errors.keyring = 'Keyring data must be base64 (for example the output of: base64 -w0 keyring.gpg).'
    else keyring = { keyring_data: data }
  }
  if (errors.url || errors.keyring) return { errors }
  return { errors, request: { url: f.url.trim(), ...keyring } }
}
