import { describe, expect, it } from 'vitest'
import { activeConnections, nginxConfig, payloadBytesFromLog } from '../../bench/import/nginx'

describe('nginx for the import benchmark: config and log parsing', () => {
  it('writes pid, logs and temp paths inside its own dir only', () => {
    const conf = nginxConfig({ dir: '/tmp/x/srv', root: '/tmp/x/stream', port: 4242 })
    const directives = /^\s*(pid|error_log|access_log|\w+_temp_path|root)\s+([^\s;]+)/gm
    const paths = [...conf.matchAll(directives)].map((m) => m[2])
    // pid, error_log, access_log, root and the five temp paths.
    expect(paths.length).toBe(9)
    for (const p of paths) expect(p.startsWith('/tmp/x/'), p).toBe(true)
    expect(conf).toMatch(/listen 127\.0\.0\.1:4242;/)
    expect(conf).toMatch(/^daemon off;$/m)
    expect(conf).toMatch(/^worker_processes 2;$/m)
    expect(conf).toMatch(/sendfile on;/)
  })

  it('counts body bytes of payload files only, ignoring metadata and junk lines', () => {
    const log = [
      '/streams/v1/index.sjson 200 4000 4300',
      '/jammy/amd64/20250805/squashfs 206 4194304 4194700',
      '/centos/centos70/amd64/x/root-tgz 200 1000 1250',
      'garbage line',
      ''
    ].join('\n')
    expect(payloadBytesFromLog(log)).toBe(4194304 + 1000)
  })

  it('reads the active connection count from stub_status', () => {
    expect(activeConnections('Active connections: 3 \nserver accepts handled requests\n')).toBe(3)
    expect(() => activeConnections('<html>404</html>')).toThrow(/Active connections/)
  })
})
