/**
 * Which `Host` headers the mirror server answers. On a loopback bind only the names of this very listener
 * (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, or the loopback address bound): a web page the admin has
 * open can point a name of its own at 127.0.0.1 (DNS rebinding) and then read the mirror as same-origin, and
 * its requests carry that name, so they get 421 Misdirected Request.
 *
 * On any other bind (0.0.0.0, or an address a MAAS region reaches) every Host is accepted: the region reaches
 * the server by an address or a DNS name we cannot know, and anyone who can reach that address can read the
 * mirror directly anyway, so checking the name would protect nothing and break real setups.
 */
import { isIP } from 'node:net'

export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase()
  if (a === 'localhost' || a === '::1' || a === '0:0:0:0:0:0:0:1') return true
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a
  return isIP(v4) === 4 && v4.startsWith('127.')
}

/** A test of the Host header for a listener on `address`:`port`; null when every Host is accepted. */
export function hostHeaderCheck(
  address: string,
  port: number
): ((host: string | undefined) => boolean) | null {
  if (!isLoopbackAddress(address)) return null
  const bound = isIP(address) === 6 ? `[${address.toLowerCase()}]` : address.toLowerCase()
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', bound])
  const allowed = new Set([...names].map((n) => `${n}:${port}`))
  // A client omits the port when it is the scheme's default (RFC 9110 7.2).
  if (port === 80) for (const n of names) allowed.add(n)
  return (host) => host !== undefined && allowed.has(host.trim().toLowerCase())
}
