/**
 * On a loopback bind the mirror answers only requests addressed to loopback: a web page open in the admin's
 * browser can rebind a name of its own to 127.0.0.1, and its requests then carry that name (DNS rebinding).
 * Beyond loopback any Host is answered: a MAAS region reaches the server by a name we cannot know.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { directoryMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer, type MirrorServer } from '../../src/main/serve/mirror-server'
import { hostHeaderCheck } from '../../src/main/serve/host-header'

let tmp: string
let loopback: MirrorServer
let lan: MirrorServer

/** One GET to 127.0.0.1:port with the Host header given (undefined: none, as HTTP/1.0 allows). */
function getWithHost(port: number, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/file.img', setHost: false, headers: host ? { Host: host } : {} },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, body }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'maas-images-host-'))
  await writeFile(join(tmp, 'file.img'), 'image bytes')
  loopback = await startMirrorServer(await directoryMirror(tmp), { port: 0 })
  lan = await startMirrorServer(await directoryMirror(tmp), { port: 0, bind: '0.0.0.0' })
})

afterAll(async () => {
  await loopback?.close()
  await lan?.close()
  await rm(tmp, { recursive: true, force: true })
})

describe('Host header', () => {
  it('on loopback, answers its own names and 421 for any other', async () => {
    const p = loopback.port
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `[::1]:${p}`])
      expect(await getWithHost(p, host), host).toEqual({ status: 200, body: 'image bytes' })
    for (const host of [
      `evil.example:${p}`,
      'evil.example',
      `127.0.0.1.evil.example:${p}`,
      `localhost:${p + 1}`,
      '127.0.0.1',
      `192.168.1.10:${p}`
    ]) {
      const r = await getWithHost(p, host)
      expect(r.status, host).toBe(421)
      expect(r.body).not.toContain('image bytes')
    }
  })

  it('beyond loopback, answers whatever name the region uses', async () => {
    for (const host of [`maas-mirror.example:${lan.port}`, `10.0.0.5:${lan.port}`, `127.0.0.1:${lan.port}`])
      expect(await getWithHost(lan.port, host), host).toEqual({ status: 200, body: 'image bytes' })
  })

  it('accepts the bare name only on port 80, where clients leave the port out', () => {
    const on80 = hostHeaderCheck('127.0.0.1', 80)!
    expect(['localhost', '127.0.0.1', '[::1]', 'localhost:80'].map(on80)).toEqual([true, true, true, true])
    expect(on80('localhost:8080')).toBe(false)
    expect(on80(undefined)).toBe(false)
    expect(hostHeaderCheck('::1', 5000)!('[::1]:5000')).toBe(true)
    expect(hostHeaderCheck('127.0.0.2', 5000)!('127.0.0.2:5000')).toBe(true)
    expect(hostHeaderCheck('0.0.0.0', 5000)).toBeNull()
    expect(hostHeaderCheck('192.168.1.10', 5000)).toBeNull()
  })
})
