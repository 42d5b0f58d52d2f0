import http from 'node:http'
import { AppError } from '@shared/errors'

const EXPLANATIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'temporary DNS failure',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed by peer',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  // undici's own codes (its messages are terse: "other side closed", "Request aborted").
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'no body data in time',
  UND_ERR_HEADERS_OVERFLOW: 'response headers too large',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'body length does not match its Content-Length',
  UND_ERR_PRX_TLS: 'TLS to the proxy failed',
  UND_ERR_ABORTED: 'request aborted',
  UND_ERR_DESTROYED: 'connection pool closed',
  UND_ERR_CLOSED: 'connection pool closed'
}

/** Codes that mean the connection ended before the whole body came. */
/** a connection that never reached the proxy itself: refused, no such host, unreachable, timed out */
const PROXY_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT'
])
const CUT = new Set(['UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'ECONNRESET', 'EPIPE'])

/** Where a request was when it failed: it changes what a dropped connection means. */
export type RequestPhase = 'connect' | 'headers' | 'body'

export interface ErrorContext {
  /** the proxy's label (proxyLabel), when the request went through one */
  via?: string
  phase?: RequestPhase
}

/**
 * Turns a socket/TLS/undici error into AppError('network') whose message names the URL, the proxy and the
 * cause, because "ECONNREFUSED" or undici's "other side closed" alone does not tell an admin which mirror or
 * proxy is down.
 */
export function networkError(err: unknown, url: string, ctx: ErrorContext = {}): AppError {
  if (err instanceof AppError) return err
  const e = err as NodeJS.ErrnoException
  const code = typeof e?.code === 'string' ? e.code : ''
  const message = String(e?.message ?? err)
  const proxyNote = ctx.via ? ` via proxy ${ctx.via}` : ''
  if (ctx.phase === 'body' && CUT.has(code)) {
    // The words the downloader's tests and users know for a body cut short, whichever way it was cut.
    return new AppError('network', `connection closed early fetching ${url}`, { cause: err })
  }
  const refused = ctx.via ? /Proxy response \((\d+)\) !== 200/.exec(message) : null
  if (refused) {
    // undici's ProxyAgent: the proxy answered CONNECT with something other than 200.
    const status = Number(refused[1])
    const target = new URL(url)
    return new AppError(
      proxyStatusCode(status),
      `proxy ${ctx.via} refused CONNECT to ${target.hostname}:${target.port || '443'} (HTTP ${status} ${http.STATUS_CODES[status] ?? ''}) fetching ${url}`.replace(
        ' )',
        ')'
      ),
      { cause: err }
    )
  }
  if (ctx.via && /Proxy Authentication Required \(407\)/.test(message)) {
    // undici's absolute-URI proxying turns a 407 into an error rather than a response.
    return new AppError(
      'proxy_refused',
      `proxy ${ctx.via} refused the request: HTTP 407 Proxy Authentication Required fetching ${url}`,
      {
        cause: err
      }
    )
  }
  if (ctx.via && PROXY_UNREACHABLE.has(code)) {
    // Through a proxy the socket is the proxy's: the mirror was never reached. Say where the proxy is set.
    return new AppError(
      'network',
      `cannot reach the proxy ${ctx.via} to fetch ${url}: ${code} (${EXPLANATIONS[code] ?? message}). Check the proxy in Settings > Proxy, or the http_proxy / https_proxy environment variables the app was started with.`,
      { cause: err }
    )
  }
  const why = EXPLANATIONS[code]
  let detail: string
  if (code.startsWith('HPE_') || (e as Error)?.name === 'HTTPParserError') {
    detail = `invalid HTTP response (${code ? `${code}: ` : ''}${message})`
  } else if (code) detail = why ? `${code} (${why})` : `${code}: ${message}`
  else detail = message
  return new AppError('network', `network error fetching ${url}${proxyNote}: ${detail}`, { cause: err })
}

/**
 * A proxy's 4xx (authentication required, forbidden by its policy) stays until its settings change, so it is
 * not retried; 408, 429 and 5xx may pass, so they stay network errors (retried with backoff).
 */
function proxyStatusCode(status: number): 'proxy_refused' | 'network' {
  return status >= 400 && status < 500 && status !== 408 && status !== 429 ? 'proxy_refused' : 'network'
}
