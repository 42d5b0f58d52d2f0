import http, { type IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import type { ProxySettings } from '@shared/types'
import { AppError } from '@shared/errors'
import { dispatcherFor } from './dispatchers'
import { exchange, type RawResponse } from './exchange'
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_REDIRECTS, DEFAULT_STALL_TIMEOUT_MS } from './limits'
import { proxyFor, proxyLabel } from './proxy'
import { toReadable } from './response-body'

export type { RawResponse } from './exchange'

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
  /** 'none' closes the connection after the answer instead of keeping it for the next request */
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
  const res = await httpOpen(url, opts)
  return { status: res.status, headers: res.headers, url: res.url, body: toReadable(res.body) }
}

/**
 * httpGet with the body as undici delivers it (chunks pushed to one consumer, see response-body.ts): the
 * downloader's path, which copies each chunk once, into its write batch.
 */
export async function httpOpen(url: string, opts: HttpRequestOptions = {}): Promise<RawResponse> {
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS
  let current = parseHttpUrl(url)
  const seen: string[] = []
  for (;;) {
    const res = await requestOnce(current, opts)
    const location = res.headers.location
    if (!REDIRECTS.has(res.status) || typeof location !== 'string' || !location) return res
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
export function httpError(res: { status: number; url: string; body: { destroy(): void } }): AppError {
  res.body.destroy()
  const reason = http.STATUS_CODES[res.status] ?? 'Unknown Status'
  return new AppError('http_status', `HTTP ${res.status} ${reason} fetching ${res.url}`)
}

function requestOnce(target: URL, opts: HttpRequestOptions): Promise<RawResponse> {
  if (opts.signal?.aborted)
    return Promise.reject(new AppError('cancelled', `cancelled fetching ${target.href}`))
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const proxy = proxyFor(target, opts.proxy)
  return exchange(target, {
    dispatcher: dispatcherFor(proxy, { connectTimeoutMs, ca: opts.ca }),
    headers: {
      'User-Agent': USER_AGENT,
      // Checksums are over the file bytes, so never let a server hand us a gzip-encoded variant.
      'Accept-Encoding': 'identity',
      ...opts.headers
    },
    connectTimeoutMs,
    stallTimeoutMs: opts.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    signal: opts.signal,
    via: proxy ? proxyLabel(proxy) : undefined,
    reset: opts.agent === 'none'
  })
}
