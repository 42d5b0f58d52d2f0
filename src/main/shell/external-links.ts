/**
 * The only places the app ever sends the user's browser to: the MAAS and Ubuntu documentation
 * and the project's home. Any other URL, https or not, is dropped, so neither a link in a stream's
 * metadata nor a compromised page can use the system browser as a launcher.
 */
export const EXTERNAL_HOSTS: readonly string[] = Object.freeze([
  'maas.io',
  'ubuntu.com',
  'canonical.com',
  'github.com'
])

/** https, no credentials, default port, and a host that is one of EXTERNAL_HOSTS or under one. */
export function isAllowedExternalUrl(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return false
  const host = u.hostname.toLowerCase()
  return EXTERNAL_HOSTS.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))
}
