import { dirname, basename, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError } from '@shared/errors'
import { isUnsignedLocation, namesIndexFile } from '@shared/stream-location'

export interface StreamSource {
  /** the location as given (trimmed) */
  input: string
  /** http(s) URL ending in '/', or an absolute directory path (file:// URLs become paths) */
  root: string
  /** the index, relative to root: usually streams/v1/index.sjson */
  indexPath: string
  /** MAAS policy: a source whose URL ends in .json is read unsigned; everything else must verify */
  signed: boolean
}

export const DEFAULT_INDEX = 'streams/v1/index.sjson'

/**
 * Works out stream root, index and signing policy from a boot source location: an http(s) URL, a file:// URL
 * or a directory (a mounted USB stick). A location ending in .json or .sjson names the index itself; the root
 * is then the part before streams/v1/, because every path in a stream is relative to the root.
 */
export function resolveSource(location: string): StreamSource {
  const input = location.trim()
  if (!input) throw new AppError('invalid_argument', 'empty stream location')
  const isHttp = /^https?:\/\//i.test(input)
  let target: string
  if (isHttp) {
    try {
      target = new URL(input).href
    } catch {
      throw new AppError('invalid_argument', `not a valid URL: ${input}`)
    }
  } else if (/^file:/i.test(input)) {
    target = fileURLToPath(input)
  } else if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(input)) {
    throw new AppError(
      'invalid_argument',
      `unsupported stream location ${input}: use http(s)://, file:// or a directory`
    )
  } else {
    target = resolve(input)
  }

  const bare = isHttp ? target.replace(/[?#].*$/, '') : target
  const namesIndex = namesIndexFile(bare)
  const signed = !isUnsignedLocation(bare)
  if (!namesIndex) {
    const root = isHttp ? (bare.endsWith('/') ? bare : `${bare}/`) : target
    return { input, root, indexPath: DEFAULT_INDEX, signed }
  }
  const sep = isHttp ? '/' : target.includes('\\') && !target.includes('/') ? '\\' : '/'
  const marker = `${sep}streams${sep}v1${sep}`
  const at = bare.lastIndexOf(marker)
  if (at >= 0) {
    const root = isHttp ? bare.slice(0, at + 1) : bare.slice(0, at) || sep
    return {
      input,
      root,
      indexPath: `streams/v1/${bare
        .slice(at + marker.length)
        .split(sep)
        .join('/')}`,
      signed
    }
  }
  // An index outside streams/v1/: treat its directory as the root.
  const root = isHttp ? bare.slice(0, bare.lastIndexOf('/') + 1) : dirname(bare)
  return { input, root, indexPath: isHttp ? bare.slice(root.length) : basename(bare), signed }
}
