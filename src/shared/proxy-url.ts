/**
 * The one rule for a proxy setting, used by main (to connect, and to check the settings it is sent)
 * and by the renderer (to say why before sending): an http:// URL, or host:port which means http://
 * as for curl. Also how a proxy's password is masked for the renderer and restored from the mask.
 */

/** What the renderer sees instead of a stored proxy password, and may send back to keep it. */
export const PASSWORD_MASK = '********'

export type ProxyUrlCheck = { ok: true; url: URL } | { ok: false; error: string }

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/** Parses a proxy setting. Error texts never contain the setting itself: it may hold a password. */
export function parseProxyUrl(raw: string): ProxyUrlCheck {
  const text = raw.trim()
  // "proxy:3128" without a scheme is common in environment variables; curl assumes http.
  const withScheme = HAS_SCHEME.test(text) ? text : `http://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return { ok: false, error: 'Give the proxy as an http:// URL, e.g. http://squid.internal:3128/' }
  }
  if (url.protocol !== 'http:') {
    return {
      ok: false,
      error: `Only http:// proxies are supported (not ${url.protocol}//); an http:// proxy still carries https:// downloads through a CONNECT tunnel.`
    }
  }
  if (!url.hostname)
    return { ok: false, error: 'The proxy URL needs a host, e.g. http://squid.internal:3128/' }
  return { ok: true, url }
}

/** The error for a proxy setting, or undefined when it is empty or valid. */
export function proxyUrlError(raw: string): string | undefined {
  if (!raw.trim()) return undefined
  const check = parseProxyUrl(raw)
  return check.ok ? undefined : check.error
}

/** The proxy setting with its password replaced by PASSWORD_MASK (unchanged when it has none). */
export function maskProxyPassword(raw: string): string {
  if (!raw.trim()) return raw
  const check = parseProxyUrl(raw)
  if (!check.ok) return raw.replace(/^([^:/@\s]*:\/\/)?([^:/@\s]*):([^\s/]*)@/, `$1$2:${PASSWORD_MASK}@`)
  if (!check.url.password) return raw
  check.url.password = PASSWORD_MASK
  return check.url.href
}

/**
 * A proxy setting sent back with PASSWORD_MASK as its password gets the stored password again, but
 * only for the same user at the same proxy: a masked password is never sent to another host.
 * Returns the setting to store, or an error message.
 */
export function restoreProxyPassword(next: string, stored: string): { value: string } | { error: string } {
  const sent = parseProxyUrl(next)
  if (!sent.ok || decodeURIComponent(sent.url.password) !== PASSWORD_MASK) return { value: next }
  const old = stored.trim() ? parseProxyUrl(stored) : undefined
  if (
    !old?.ok ||
    !old.url.password ||
    old.url.host !== sent.url.host ||
    old.url.username !== sent.url.username
  ) {
    return {
      error:
        'the proxy password is masked and no password is stored for this user at this proxy: type the password again'
    }
  }
  sent.url.password = old.url.password
  return { value: sent.url.href }
}

/** A proxy setting as the Settings form shows it: the URL without its password, and the password. */
export function splitProxyPassword(raw: string): { url: string; password: string } {
  const check = raw.trim() ? parseProxyUrl(raw) : undefined
  if (!check?.ok || !check.url.password) return { url: raw, password: '' }
  const password = decodeURIComponent(check.url.password)
  check.url.password = ''
  return { url: check.url.href, password }
}

/** The inverse of splitProxyPassword; an error when a password is given for a URL without a user. */
export function joinProxyPassword(url: string, password: string): { value: string } | { error: string } {
  if (!password) return { value: url.trim() }
  const check = parseProxyUrl(url)
  if (!check.ok) return { error: check.error }
  if (!check.url.username)
    return { error: 'A proxy password needs a user name in the URL, e.g. http://user@squid.internal:3128/' }
  check.url.password = password
  return { value: check.url.href }
}
