/**
 * The import benchmark's nginx, started for real: needs the nginx binary (Debian package nginx). Its
 * absence fails the test: the benchmark's reference server is part of what CI checks.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { nginxBinary, startNginx, type Nginx } from '../../bench/import/nginx'

beforeAll(() => {
  if (!nginxBinary()) throw new Error('the import benchmark test needs nginx: apt-get install nginx')
})

describe('nginx for the import benchmark: a real server', () => {
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
