/** A proxy that cannot be reached is named as the proxy, with where to set it: the mirror was never reached. */
import { describe, expect, it } from 'vitest'
import { networkError } from '../../src/main/net/describe-error'

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })

describe('networkError through a proxy', () => {
  it('ECONNREFUSED via a proxy names the proxy, the URL once, and points to the proxy setting', () => {
    const url = 'https://images.maas.io/ephemeral-v3/stable/streams/v1/index.sjson'
    const err = networkError(refused, url, { via: 'http://127.0.0.1:9', phase: 'connect' })
    expect(err.message).toContain('cannot reach the proxy http://127.0.0.1:9')
    expect(err.message).toContain('Settings > Proxy')
    expect(err.message).toContain('connection refused')
    expect(err.message.split(url).length - 1).toBe(1)
  })

  it('without a proxy the mirror is named as before', () => {
    const err = networkError(refused, 'http://mirror.local/x', { phase: 'connect' })
    expect(err.message).toBe('network error fetching http://mirror.local/x: ECONNREFUSED (connection refused)')
  })
})
