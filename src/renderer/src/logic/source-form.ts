/**
 * The boot source form shared by Change source and Sources: its fields, MAAS's maas.io streams,
 * and the check that turns the fields into a create/update request with exactly one keyring.
 */
import type { BootSource } from '@shared/types'
import { UNC_REFUSED, isUncPath } from '@shared/unc-path'
import type { RequestInput } from '@shared/ipc-contract'
import { compactKeyringData, isBase64KeyringData } from '@shared/keyring-data'
import { isUnsignedLocation } from '@shared/stream-location'

export const MAAS_IO_STREAMS = {
  stable: 'https://images.maas.io/ephemeral-v3/stable/',
  candidate: 'https://images.maas.io/ephemeral-v3/candidate/'
} as const
export type MaasIoStream = keyof typeof MAAS_IO_STREAMS

export type KeyringMode = 'file' | 'data'

/**
 * How the stream's index is read: `signed` reads `streams/v1/index.sjson` and checks its signature;
 * `unsigned` reads `streams/v1/index.json` without one (MAAS's policy for a URL naming a .json
 * index), so the keyring is not used.
 */
export type Signing = 'signed' | 'unsigned'

export interface SourceFields {
  url: string
  signing: Signing
  keyringMode: KeyringMode
  /** empty: the default cloud-image keyring (AppInfo.default_keyring), as MAAS does */
  keyringFile: string
  keyringData: string
}

/** What the form hands on: a createBootSource request (an update adds the id). */
export type SourceRequest = RequestInput<'createBootSource'>

export interface SourceFieldErrors {
  url?: string
  keyring?: string
}

const UNSIGNED_INDEX = 'streams/v1/index.json'

export function fieldsFromSource(source: BootSource | null): SourceFields {
  const url = source?.url ?? ''
  const unsigned = isUnsignedLocation(url)
  return {
    // The form shows the stream root and the choice; only an index elsewhere keeps its whole URL.
    url: unsigned && url.endsWith(`/${UNSIGNED_INDEX}`) ? url.slice(0, -UNSIGNED_INDEX.length) : url,
    signing: unsigned ? 'unsigned' : 'signed',
    keyringMode: source?.keyring_data ? 'data' : 'file',
    keyringFile: source?.keyring_filename ?? '',
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
  return /(^|[\\/])ubuntu-cloudimage-keyring\.gpg$/.test(path)
}

/** An absolute local path: `/…` on Linux and macOS, `C:\…` or `C:/…` on Windows (UNC is refused apart). */
export function isAbsoluteLocalPath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)
}

/** A source URL is http(s)://, file:// or an absolute path (a mounted USB stick). */
export function checkUrl(url: string): string | undefined {
  const u = url.trim()
  if (!u) return 'Enter the URL of the stream (http://, https://, file:// or a directory path).'
  if (isUncPath(u)) return capitalise(UNC_REFUSED)
  if (/^https?:\/\/[^/\s]+/i.test(u) || /^file:\/\/\//i.test(u) || isAbsoluteLocalPath(u)) return undefined
  return 'The URL must start with http://, https://, file:/// or be an absolute directory path.'
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** The URL to save: the unsigned choice names the stream's index.json under the root given. */
function requestUrl(f: SourceFields): string {
  const u = f.url.trim()
  if (f.signing === 'signed' || isUnsignedLocation(u)) return u
  return `${u.replace(/[\\/]+$/, '')}/${UNSIGNED_INDEX}`
}

/**
 * Checks the fields and builds the request. `defaultKeyring` (AppInfo.default_keyring) is sent for
 * an empty keyring path, so an edited source that leaves it empty gets the default, not its old
 * keyring; an unsigned stream sends no keyring, since none is used.
 */
export function validateSourceFields(
  f: SourceFields,
  defaultKeyring?: string
): {
  errors: SourceFieldErrors
  request?: SourceRequest
} {
  const errors: SourceFieldErrors = {}
  const urlError = checkUrl(f.url)
  if (urlError) errors.url = urlError
  else if (f.signing === 'signed' && isUnsignedLocation(f.url))
    errors.url =
      'This URL names an unsigned index (.json). Choose "Unsigned (index.json)" below, or give the stream root.'
  let keyring: Pick<SourceRequest, 'keyring_filename' | 'keyring_data'> = {}
  if (f.signing === 'unsigned') {
    // no keyring: the index is not signed
  } else if (f.keyringMode === 'file') {
    const path = f.keyringFile.trim()
    if (!path) keyring = defaultKeyring ? { keyring_filename: defaultKeyring } : {}
    else if (isUncPath(path)) errors.keyring = capitalise(UNC_REFUSED)
    else if (!isAbsoluteLocalPath(path))
      errors.keyring =
        'Give the keyring file as a full path (for example /etc/maas/keyring.gpg or C:\\keys\\keyring.gpg).'
    else keyring = { keyring_filename: path }
  } else {
    const data = compactKeyringData(f.keyringData)
    if (!data) errors.keyring = 'Paste the keyring as base64, or give a keyring file path instead.'
    else if (!isBase64KeyringData(data))
      errors.keyring = 'Keyring data must be base64 (for example the output of: base64 -w0 keyring.gpg).'
    else keyring = { keyring_data: data }
  }
  if (errors.url || errors.keyring) return { errors }
  return { errors, request: { url: requestUrl(f), ...keyring } }
}
