import { afterEach, describe, expect, it } from 'vitest'
import { bypassesProxy, effectiveProxySettings, proxyFor } from '../../src/main/net/proxy'

const u = (s: string): URL => new URL(s)

describe('no_proxy rules', () => {
  it('matches *, domain suffixes, dotted and wildcard forms', () => {
    expect(bypassesProxy(u('http://images.maas.io/x'), '*')).toBe(true)
    expect(bypassesProxy(u('http://images.maas.io/x'), 'maas.io')).toBe(true)
    expect(bypassesProxy(u('http://images.maas.io/x'), '.maas.io')).toBe(true)
    expect(bypassesProxy(u('http://images.maas.io/x'), '*.maas.io')).toBe(true)
    expect(bypassesProxy(u('http://notmaas.io/x'), 'maas.io')).toBe(false)
    expect(bypassesProxy(u('http://images.maas.io/x'), 'example.com, other.org')).toBe(false)
  })

  it('honours host:port', () => {
    expect(bypassesProxy(u('http://mirror.lan:8080/'), 'mirror.lan:8080')).toBe(true)
    expect(bypassesProxy(u('http://mirror.lan/'), 'mirror.lan:8080')).toBe(false)
    expect(bypassesProxy(u('https://mirror.lan/'), 'mirror.lan:443')).toBe(true)
  })

  it('treats any loopback name as covering every loopback form', () => {
    expect(bypassesProxy(u('http://127.0.0.1:5000/'), 'localhost')).toBe(true)
    expect(bypassesProxy(u('http://localhost:5000/'), '127.0.0.1')).toBe(true)
    expect(bypassesProxy(u('http://[::1]:5000/'), 'localhost')).toBe(true)
    expect(bypassesProxy(u('http://127.0.0.1:5000/'), 'example.com')).toBe(false)
  })

  it('supports IPv4 CIDR blocks and <local>', () => {
    expect(bypassesProxy(u('http://10.1.2.3/'), '10.0.0.0/8')).toBe(true)
    expect(bypassesProxy(u('http://192.168.1.20/'), '192.168.1.0/24')).toBe(true)
    expect(bypassesProxy(u('http://192.168.2.20/'), '192.168.1.0/24')).toBe(false)
    expect(bypassesProxy(u('http://mirror/'), '<local>')).toBe(true)
    expect(bypassesProxy(u('http://mirror.lan/'), '<local>')).toBe(false)
  })
})

describe('proxy selection', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const k of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  })

  it('reads lower and upper case environment variables', () => {
    delete process.env.http_proxy
    process.env.HTTP_PROXY = 'http://upper:3128'
    process.env.https_proxy = 'proxy.lan:3129'
    expect(proxyFor(u('http://images.maas.io/'))?.host).toBe('upper:3128')
    expect(proxyFor(u('https://images.maas.io/'))?.host).toBe('proxy.lan:3129')
  })

  it('lets non-empty settings override the environment, field by field', () => {
    process.env.http_proxy = 'http://env:3128'
    process.env.no_proxy = 'maas.io'
    const s = effectiveProxySettings({ http_proxy: 'http://app:8000', no_proxy: '' })
    expect(s).toEqual({ http_proxy: 'http://app:8000', https_proxy: expect.any(String), no_proxy: 'maas.io' })
    expect(proxyFor(u('http://images.maas.io/'), { http_proxy: 'http://app:8000' })).toBeNull()
    expect(proxyFor(u('http://other.org/'), { http_proxy: 'http://app:8000' })?.host).toBe('app:8000')
  })

  it('refuses proxy schemes it cannot speak', () => {
    expect(() => proxyFor(u('http://x.org/'), { http_proxy: 'socks5://p:1080' })).toThrow(
      /Only http:\/\/ proxies are supported/
    )
  })

  it('never puts the proxy password into its errors', () => {
    for (const bad of ['https://admin:s3cret-pw@proxy.lan:3128', 'http://admin:s3cret-pw@[bad:3128']) {
      let message = ''
      try {
        proxyFor(u('https://images.maas.io/'), { https_proxy: bad })
      } catch (err) {
        message = (err as Error).message
      }
      expect(message).toMatch(/https_proxy setting/)
      expect(message).not.toContain('s3cret')
    }
  })
})
