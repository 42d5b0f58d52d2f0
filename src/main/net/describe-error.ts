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
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name'
}

/**
 * Turns a Node socket/TLS error into AppError('network') whose message names the URL and the cause, because
 * "ECONNREFUSED" alone does not tell an admin which mirror or proxy is down.
 */
export function networkError(err: unknown, url: string, via?: string): AppError {
  if (err instanceof AppError) return err
  const e = err as NodeJS.ErrnoException
  const code = typeof e?.code === 'string' ? e.code : ''
  const why = EXPLANATIONS[code]
  const detail = code ? (why ? `${code} (${why})` : `${code}: ${e.message}`) : String(e?.message ?? err)
  const proxyNote = via ? ` via proxy ${via}` : ''
  return new AppError('network', `network error fetching ${url}${proxyNote}: ${detail}`, { cause: err })
}
