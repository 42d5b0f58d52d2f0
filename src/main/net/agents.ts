import http from 'node:http'
import https from 'node:https'

/**
 * One keep-alive agent per protocol for the whole process: the downloader opens many requests to the same
 * mirror, and reusing sockets saves a TCP (and TLS) handshake each time. maxSockets stays unlimited because
 * the import engine decides how many connections to open.
 */
export const keepAliveHttpAgent = new http.Agent({
  keepAlive: true,
  keepAliveMsecs: 10_000,
  scheduling: 'lifo'
})
export const keepAliveHttpsAgent = new https.Agent({
  keepAlive: true,
  keepAliveMsecs: 10_000,
  scheduling: 'lifo'
})

export function agentFor(protocol: string, mode: 'keepalive' | 'none'): http.Agent | false {
  if (mode === 'none') return false
  return protocol === 'https:' ? keepAliveHttpsAgent : keepAliveHttpAgent
}
