/**
 * The undici dispatchers every request goes through: one `Agent` for direct connections (it keeps a
 * keep-alive `Pool` per origin, connections unlimited because the import engine decides how many to
 * open) and one `ProxyAgent` per distinct proxy, created on first use and kept.
 *
 * Which proxy a URL uses is decided by proxy.ts (our no_proxy rules: CIDR blocks, `<local>`, loopback
 * forms), never by undici's EnvHttpProxyAgent, which knows none of them.
 *
 * Timeouts: undici's own headers and body timeouts are off; request.ts runs its stall watchdog from the
 * moment a socket is ready to the last body byte, which unlike undici's exempts time the consumer holds
 * the body paused (a slow disk is not a stalled mirror). The connect timeout is a property of a dispatcher
 * in undici, so dispatchers are keyed by it too (one value in practice; tests use short ones).
 */
import { createHash } from 'node:crypto'
import type { Dispatcher } from 'undici'
// The dispatchers from their own modules: undici's index also loads fetch, WebSocket, EventSource, the
// cache and the mocks, which cost a CLI run about 9 MB of memory and 110 ms of CPU at startup for nothing.
import Agent from 'undici/lib/dispatcher/agent.js'
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js'
import Pool from 'undici/lib/dispatcher/pool.js'
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js'
import api from 'undici/lib/api/index.js'

// What undici's index does on load, and ProxyAgent needs: it opens tunnels with the `connect()` method.
if (!('connect' in DispatcherBase.prototype)) Object.assign(DispatcherBase.prototype, api)
import { proxyLabel } from './proxy'

export interface DispatcherOptions {
  connectTimeoutMs: number
  /** extra trusted CA certificates (PEM) for https mirrors behind a private CA */
  ca?: string | Buffer
}

/** Distinct dispatchers kept at once; past this the least recently used is closed (its requests finish). */
const MAX_DISPATCHERS = 16

const cache = new Map<string, Dispatcher>()

/** No per-request timeouts inside undici: request.ts owns them (see above). */
const NO_TIMEOUTS = { headersTimeout: 0, bodyTimeout: 0 } as const

/** The dispatcher for a request to be sent directly (`proxy` null) or through the proxy `proxy`. */
export function dispatcherFor(proxy: URL | null, o: DispatcherOptions): Dispatcher {
  const key = `${proxy ? proxy.href : 'direct'}|${o.connectTimeoutMs}|${o.ca ? fingerprint(o.ca) : ''}`
  let d = cache.get(key)
  if (d) {
    // Map order is insertion order: re-inserting marks it most recently used.
    cache.delete(key)
    cache.set(key, d)
    return d
  }
  d = proxy ? proxyAgent(proxy, o) : directAgent(o)
  cache.set(key, d)
  if (cache.size > MAX_DISPATCHERS) {
    const [oldKey, oldest] = cache.entries().next().value as [string, Dispatcher]
    cache.delete(oldKey)
    void oldest.close().catch(() => undefined)
  }
  return d
}

function directAgent(o: DispatcherOptions): Dispatcher {
  return new Agent({
    ...NO_TIMEOUTS,
    keepAliveTimeout: 10_000,
    connect: { timeout: o.connectTimeoutMs, ...(o.ca ? { ca: o.ca } : {}) }
  })
}

/**
 * http targets go to the proxy as absolute-URI requests (RFC 9112 section 3.2.2, `proxyTunnel: false`),
 * https targets through a CONNECT tunnel with TLS end to end. The credentials go in a `Basic` token, and
 * the proxy's URI is given without them so that undici never holds the password in a URL it might print;
 * proxyFor() has registered both forms with rememberSecret already.
 */
function proxyAgent(proxy: URL, o: DispatcherOptions): Dispatcher {
  const pools = (origin: string | URL, opts: object): Dispatcher =>
    new Pool(origin, { ...opts, ...NO_TIMEOUTS })
  return new ProxyAgent({
    uri: proxyLabel(proxy),
    ...(proxy.username ? { token: basicToken(proxy) } : {}),
    proxyTunnel: false,
    ...NO_TIMEOUTS,
    keepAliveTimeout: 10_000,
    // Reaching the proxy, and (through the tunnel) the target's TLS handshake.
    proxyTls: { timeout: o.connectTimeoutMs },
    requestTls: { timeout: o.connectTimeoutMs, ...(o.ca ? { ca: o.ca } : {}) },
    factory: pools,
    // The connection that sends CONNECT: a proxy that accepts but never answers must not hold it for ever
    // (request.ts gives up at the same time and names the proxy; this frees the socket).
    clientFactory: (origin: URL, opts: object) =>
      new Pool(origin, { ...opts, headersTimeout: o.connectTimeoutMs, bodyTimeout: 0 })
  })
}

function basicToken(proxy: URL): string {
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  return `Basic ${Buffer.from(creds).toString('base64')}`
}

function fingerprint(ca: string | Buffer): string {
  return createHash('sha256').update(ca).digest('hex').slice(0, 16)
}
