import { isIP } from 'node:net'
import type { ProxySettings } from '@shared/types'
import { AppError } from '@shared/errors'
import { parseProxyUrl } from '@shared/proxy-url'
import { rememberSecret } from '@shared/scrub-secrets'

/**
 * Picks the proxy for a URL the way curl/wget/MAAS do: http_proxy/https_proxy/no_proxy (either case) from the
 * environment, each field overridden by the app's settings when that field is non-empty.
 */
export function effectiveProxySettings(override?: Partial<ProxySettings>): ProxySettings {
  const env = process.env
  const pick = (value: string | undefined, ...names: string[]): string => {
    if (value && value.trim()) return value.trim()
    for (const n of names) {
      const v = env[n]
      if (v && v.trim()) return v.trim()
    }
    return ''
  }
  return {
    http_proxy: pick(override?.http_proxy, 'http_proxy', 'HTTP_PROXY'),
    https_proxy: pick(override?.https_proxy, 'https_proxy', 'HTTPS_PROXY'),
    no_proxy: pick(override?.no_proxy, 'no_proxy', 'NO_PROXY')
  }
}

/** The proxy URL to use for `target`, or null for a direct connection. */
export function proxyFor(target: URL, override?: Partial<ProxySettings>): URL | null {
  const settings = effectiveProxySettings(override)
  const raw = target.protocol === 'https:' ? settings.https_proxy : settings.http_proxy
  if (!raw) return null
  if (bypassesProxy(target, settings.no_proxy)) return null
  const check = parseProxyUrl(raw)
  // The setting is named by where it came from, never quoted: it may hold a password.
  if (!check.ok) throw new AppError('invalid_argument', `invalid ${settingName(target)}: ${check.error}`)
  if (check.url.password) {
    rememberSecret(check.url.password)
    // The Proxy-Authorization header's form too, should a library ever echo the header.
    const creds = `${decodeURIComponent(check.url.username)}:${decodeURIComponent(check.url.password)}`
    rememberSecret(Buffer.from(creds).toString('base64'))
  }
  return check.url
}

/** Label for a proxy in messages and the URI undici is given: scheme, host and port, never credentials. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

function settingName(target: URL): string {
  return target.protocol === 'https:' ? 'https_proxy setting' : 'http_proxy setting'
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '<loopback>'])

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)
}

function matchesCidr(host: string, rule: string): boolean {
  const [base, bitsText] = rule.split('/')
  const bits = Number(bitsText)
  if (isIP(host) !== 4 || isIP(base) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false
  // Division keeps the arithmetic in doubles: bit operators would turn addresses above 2^31 negative.
  const block = 2 ** (32 - bits)
  return Math.floor(ipv4ToInt(host) / block) === Math.floor(ipv4ToInt(base) / block)
}

/**
 * no_proxy rules (comma or whitespace separated):
 * - `*` bypasses the proxy for everything;
 * - `example.com`, `.example.com`, `*.example.com` match that domain and its subdomains;
 * - `host:port` matches only that port;
 * - `10.0.0.0/8` style IPv4 CIDR blocks;
 * - `<local>` matches plain host names without a dot;
 * - any loopback name (`localhost`, `127.0.0.1`, `::1`, `<loopback>`) matches every loopback form, because
 *   people list one of them and expect the machine itself to be reached directly.
 */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = unbracket(target.hostname.toLowerCase()).replace(/\.$/, '')
  const port = defaultPort(target)
  const rules = noProxy
    .split(/[\s,]+/)
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean)
  for (const rule of rules) {
    if (rule === '*') return true
    if (rule === '<local>') {
      if (!host.includes('.') && !isIP(host)) return true
      continue
    }
    let ruleHost = rule
    let rulePort: string | undefined
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rule)
    if (bracketed) {
      ruleHost = bracketed[1]
      rulePort = bracketed[2]
    } else if (isIP(rule) !== 6) {
      const m = /^(.*):(\d+)$/.exec(rule)
      if (m) {
        ruleHost = m[1]
        rulePort = m[2]
      }
    }
    if (rulePort && rulePort !== port) continue
    if (LOOPBACK_NAMES.has(ruleHost) && isLoopback(host)) return true
    if (ruleHost.includes('/')) {
      if (matchesCidr(host, ruleHost)) return true
      continue
    }
    const domain = ruleHost.replace(/^\*?\./, '').replace(/\.$/, '')
    if (!domain) continue
    if (host === domain || host.endsWith(`.${domain}`)) return true
  }
  return false
}
