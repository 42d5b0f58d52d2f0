import http from 'node:http'
import type { Socket } from 'node:net'
import { AppError } from '@shared/errors'
import { networkError } from './describe-error'

export function proxyAuthHeader(proxy: URL): Record<string, string> {
  if (!proxy.username) return {}
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  return { 'Proxy-Authorization': `Basic ${Buffer.from(creds).toString('base64')}` }
}

/** Label for a proxy in messages, without its credentials. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

/**
 * Opens an HTTP CONNECT tunnel through `proxy` to the target's host:port. The caller layers TLS on the
 * returned socket, so the proxy only ever sees encrypted bytes.
 */
export function openTunnel(
  proxy: URL,
  target: URL,
  timeoutMs: number,
  signal: AbortSignal | undefined
): Promise<Socket> {
  const port = target.port || '443'
  const authority = `${target.hostname}:${port}`
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || 80,
      method: 'CONNECT',
      path: authority,
      agent: false,
      headers: { Host: authority, ...proxyAuthHeader(proxy) }
    })
    const timer = setTimeout(() => {
      req.destroy(
        new AppError(
          'network',
          `connect timeout after ${timeoutMs / 1000} s fetching ${target.href} via proxy ${proxyLabel(proxy)}`
        )
      )
    }, timeoutMs)
    const onAbort = (): void => {
      req.destroy(new AppError('cancelled', `cancelled fetching ${target.href}`))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    req.once('connect', (res, socket) => {
      done()
      if (res.statusCode !== 200) {
        socket.destroy()
        reject(
          new AppError(
            'network',
            `proxy ${proxyLabel(proxy)} refused CONNECT to ${authority} (HTTP ${res.statusCode} ${res.statusMessage ?? ''}) fetching ${target.href}`.replace(
              ' )',
              ')'
            )
          )
        )
        return
      }
      resolve(socket)
    })
    req.once('error', (err) => {
      done()
      reject(networkError(err, target.href, proxyLabel(proxy)))
    })
    req.end()
  })
}
