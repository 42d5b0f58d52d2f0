import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  activeConnections,
  nginxBinary,
  nginxConfig,
  payloadBytesFromLog,
  startNginx,
  type Nginx
} from '../../bench/import/nginx'

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

describe.skipIf(!nginxBinary())('nginx for the import benchmark: a real server', () => {
  let tmp = ''
  let nginx: Nginx | undefined

  afterEach(async () => {
    await nginx?.stop()
    nginx = undefined
    await rm(tmp, { recursive: true, force: true })
  })

  it('serves Range requests, counts payload bytes from its access log and stops every process', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'bench-nginx-'))
    const root = join(tmp, 'stream')
    await mkdir(join(root, 'streams/v1'), { recursive: true })
    await mkdir(join(root, 'img'), { recursive: true })
    const body = Buffer.alloc(1_000_000, 7)
    await writeFile(join(root, 'img/blob'), body)
    await writeFile(join(root, 'streams/v1/index.json'), '{}')
    nginx = await startNginx({ dir: join(tmp, 'srv'), root })
    const live0 = nginx.liveBytes()

    const part = await fetch(`${nginx.url}img/blob`, { headers: { Range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer())).toEqual(body.subarray(100, 200))
    const whole = await fetch(`${nginx.url}img/blob`)
    expect((await whole.arrayBuffer()).byteLength).toBe(body.length)
    await (await fetch(`${nginx.url}streams/v1/index.json`)).text()

    expect(await nginx.payloadBytes()).toBe(100 + body.length)
    expect(nginx.liveBytes() - live0).toBeGreaterThanOrEqual(body.length)
    // Nothing outside its dir: the temp paths it was told about are where it keeps state.
    expect((await readdir(join(tmp, 'srv'))).sort()).toEqual(
      expect.arrayContaining(['access.log', 'error.log', 'nginx.conf', 'nginx.pid', 'tmp'])
    )

    const pid = nginx.proc.pid!
    await nginx.stop()
    nginx = undefined
    expect(() => process.kill(-pid, 0)).toThrow()
  })
})
