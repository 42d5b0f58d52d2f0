import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import { PassThrough, type Readable } from 'node:stream'
import type { ProxySettings } from '@shared/types'
import { AppError } from '@shared/errors'
import { agentFor } from './agents'
import { networkError } from './describe-error'
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_REDIRECTS, DEFAULT_STALL_TIMEOUT_MS } from './limits'
import { proxyFor } from './proxy'
import { openTunnel, proxyAuthHeader, proxyLabel } from './tunnel'
import { Watchdog } from './watchdog'

export interface HttpRequestOptions {
  headers?: Record<string, string>
  proxy?: Partial<ProxySettings>
  signal?: AbortSignal
  /** default 15000 */
  connectTimeoutMs?: number
  /** default 30000: no byte for that long aborts */
  stallTimeoutMs?: number
  /** default 5 */
  maxRedirects?: number
  agent?: 'keepalive' | 'none'
  /** extra trusted CA certificates (PEM) for https mirrors behind a private CA */
  ca?: string | Buffer
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  /** final url after redirects */
  url: string
  /** must be consumed or destroyed */
  body: Readable
}

const USER_AGENT = 'maas-images/0.1 (+simplestreams)'
const REDIRECTS = new Set([301, 302, 303, 307, 308])

function parseHttpUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new AppError('invalid_argument', `not a valid URL: ${raw}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('invalid_argument', `not an http(s) URL: ${raw}`)
  }
  return url
}

/**
 * GET a URL with proxy support, redirects, connect/stall timeouts and cancellation.
 * Non-2xx answers are returned, not thrown: the downloader needs 206/304/416; use httpError() to refuse them.
 */
export async function httpGet(url: string, opts: HttpRequestOptions = {}): Promise<HttpResponse> {
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS
  let current = parseHttpUrl(url)
  const seen: string[] = []
  for (;;) {
    const res = await requestOnce(current, opts)
    const location = res.headers.location
    if (!REDIRECTS.has(res.status) || !location) return res
    // The body of a redirect is irrelevant; destroying it frees the socket immediately.
    res.body.destroy()
    seen.push(current.href)
    if (seen.length > maxRedirects) {
      throw new AppError('network', `too many redirects (more than ${maxRedirects}) fetching ${url}`)
    }
    let next: URL
    try {
      next = new URL(location, current)
    } catch {
      throw new AppError('network', `invalid redirect location "${location}" fetching ${current.href}`)
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      // A mirror must never be able to point us at local files (file:) or anything else.
      throw new AppError(
        'network',
        `refusing redirect to ${next.protocol} URL ${next.href} fetching ${url}: only http and https are followed`
      )
    }
    current = next
  }
}

/** AppError('http_status') for a response the caller cannot use; also drains the body. */
export function httpError(res: HttpResponse): AppError {
  res.body.destroy()
  const reason = http.STATUS_CODES[res.status] ?? 'Unknown Status'
  return new AppError('http_status', `HTTP ${res.status} ${reason} fetching ${res.url}`)
}

async function requestOnce(target: URL, opts: HttpRequestOptions): Promise<HttpResponse> {
  if (opts.signal?.aborted) throw new AppError('cancelled', `cancelled fetching ${target.href}`)
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const stallTimeoutMs = opts.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS
  const proxy = proxyFor(target, opts.proxy)
  const via = proxy ? proxyLabel(proxy) : undefined
  const headers: Record<string, string> = {
    'User-Agent': USER_AGENT,
    // Checksums are over the file bytes, so never let a server hand us a gzip-encoded variant.
    'Accept-Encoding': 'identity',
    ...opts.headers
  }
  const agentMode = opts.agent ?? 'keepalive'
  // GET only: the downloader learns sizes from Content-Range/Content-Length of its Range requests.
  const method = 'GET'

  let req: http.ClientRequest
  if (proxy && target.protocol === 'https:') {
    const socket = await openTunnel(proxy, target, connectTimeoutMs, opts.signal)
    // No agent: with one, Node would ignore createConnection and dial the target directly.
    req = https.request(target, {
      method,
      headers,
      createConnection: () =>
        tls.connect({
          socket,
          servername: target.hostname.replace(/^\[|\]$/g, ''),
          ...(opts.ca ? { ca: opts.ca } : {})
        })
    })
  } else if (proxy) {
    // Plain http through a proxy: send the absolute URI to the proxy, as RFC 9112 section 3.2.2 requires.
    req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || 80,
      method,
      path: target.href,
      headers: { Host: target.host, ...proxyAuthHeader(proxy), ...headers },
      agent: agentFor('http:', agentMode)
    })
  } else {
    const lib = target.protocol === 'https:' ? https : http
    const tlsOpts = target.protocol === 'https:' && opts.ca ? { ca: opts.ca } : {}
    req = lib.request(target, { method, headers, agent: agentFor(target.protocol, agentMode), ...tlsOpts })
  }
  return await attach(req, target, { connectTimeoutMs, stallTimeoutMs, signal: opts.signal, via })
}

/** Wires timeouts, cancellation and error wording onto a request and resolves with its response. */
function attach(
  req: http.ClientRequest,
  target: URL,
  o: { connectTimeoutMs: number; stallTimeoutMs: number; signal?: AbortSignal; via?: string }
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const url = target.href
    let res: IncomingMessage | undefined
    // The body goes through a PassThrough so that every failure reaches the consumer as an AppError and the
    // stall watchdog can see bytes flowing without putting the response into flowing mode.
    const body = new PassThrough({ highWaterMark: 256 * 1024 })
    let settled = false

    let failed = false
    const fail = (err: AppError): void => {
      // Only the first failure counts: tearing down the request re-enters here with vaguer follow-up errors.
      if (failed) return
      failed = true
      watchdog.stop()
      if (!settled) {
        settled = true
        cleanup()
        req.destroy()
        body.destroy()
        reject(err)
        return
      }
      if (body.destroyed) return
      body.destroy(err)
      res?.destroy()
      req.destroy()
    }

    const watchdog = new Watchdog(
      o.stallTimeoutMs,
      (idle) => fail(new AppError('network', `stalled for ${Math.round(idle / 1000)} s fetching ${url}`)),
      // Data piling up in our buffer means the consumer is slow, not the network.
      () => settled && (body.readableLength >= body.readableHighWaterMark || body.writableNeedDrain)
    )
    const connectTimer = setTimeout(() => {
      fail(new AppError('network', `connect timeout after ${o.connectTimeoutMs / 1000} s fetching ${url}`))
    }, o.connectTimeoutMs)

    const onAbort = (): void => fail(new AppError('cancelled', `cancelled fetching ${url}`))
    o.signal?.addEventListener('abort', onAbort, { once: true })

    function cleanup(): void {
      clearTimeout(connectTimer)
      o.signal?.removeEventListener('abort', onAbort)
    }

    req.on('socket', (socket) => {
      const connected = (): void => {
        clearTimeout(connectTimer)
        watchdog.start()
      }
      // A reused keep-alive socket is already connected.
      if (socket.connecting) {
        socket.once('connect', connected)
      } else {
        connected()
      }
    })

    req.on('error', (err) => {
      // A response already received whole (its Content-Length) stays good: what a server sends after it, such
      // as bytes past the length on a 'Connection: close' socket (a parse error), is not part of it.
      if (res?.complete) return
      fail(networkError(err, url, o.via))
    })

    req.on('response', (incoming) => {
      res = incoming
      settled = true
      clearTimeout(connectTimer)
      watchdog.kick()
      incoming.on('data', () => watchdog.kick())
      incoming.on('error', (err) => fail(networkError(err, url, o.via)))
      incoming.on('aborted', () => fail(new AppError('network', `connection closed early fetching ${url}`)))
      incoming.on('end', () => {
        watchdog.stop()
        cleanup()
      })
      body.on('close', () => {
        watchdog.stop()
        cleanup()
        // The consumer gave up early (or finished): release the socket instead of reading the rest.
        if (!incoming.complete) incoming.destroy()
      })
      incoming.pipe(body)
      resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, url, body })
    })
    req.end()
  })
}
