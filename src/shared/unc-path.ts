/**
 * UNC paths (`\\host\share`, `//host/share`, `file://host/share`) are refused as source and keyring
 * locations on every platform. On Windows, opening one makes the machine connect to that host over
 * SMB and offer the user's credentials (NTLM) to it; elsewhere `//host` silently means the local
 * path `/host`. Either way it is not what a location typed or pasted should do. One rule, used by main's
 * schemas and by the renderer's forms.
 */

export const UNC_REFUSED =
  'network (UNC) paths such as \\\\host\\share or //host/share are not supported: mount the share and give its local path, or use the mirror over http(s)://'

/** True when `location` names a file on another host by a UNC path, in any of its spellings. */
export function isUncPath(location: string): boolean {
  const t = location.trim()
  // \\host\share, //host/share, \\?\UNC\host\share, \\.\device, and mixes of the two slashes.
  if (/^[\\/]{2}/.test(t)) return true
  const file = /^file:(.*)$/i.exec(t)
  if (!file) return false
  const rest = file[1]
  if (!/^[\\/]{2}/.test(rest)) return false
  // file://HOST/path names HOST (only an empty host or localhost is this machine); file:////host is UNC too.
  const afterSlashes = rest.slice(2)
  const host = /^[^\\/]*/.exec(afterSlashes)![0]
  if (host && host.toLowerCase() !== 'localhost') return true
  return /^[\\/]{2}/.test(afterSlashes.slice(host.length))
}
