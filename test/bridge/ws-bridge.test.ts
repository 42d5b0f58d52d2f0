import { request as httpRequest } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createMainServices, type MainServices } from '../../src/main/services'
import { startBridgeServer, type BridgeServer } from '../../src/main/bridge/ws-bridge-server'
import { requestNames, type RequestHandlers } from '@shared/ipc-contract'

/** vi.waitFor's default second is a wall-clock bound a loaded machine can miss on a loopback round trip. */
const LOOPBACK = { timeout: 10_000 }

let dir: string
let app: MainServices
let server: BridgeServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-ws-'))
  const renderer = join(dir, 'renderer')
  await import('node:fs').then((fs) => fs.mkdirSync(renderer))
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
  app = await createMainServices({
    dataDir: join(dir, 'data'),
    version: '0',
    host: 'test-bridge'
  })
  server = await startBridgeServer({ services: app.services, events: app.events, rendererDir: renderer })
})
afterAll(async () => {
  await server.close()
  await app.dispose()
  rmSync(dir, { recursive: true, force: true })
})

function connect(token: string, origin = server.origin): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/bridge?token=${token}`, { origin })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function call(ws: WebSocket, name: string, arg?: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e9)
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data))
      if (msg.id === id) resolve(msg.result)
    })
    ws.send(JSON.stringify({ id, name, arg }))
  })
}

/** A GET with exactly this path and Host (fetch normalises both). */
function rawGet(
  origin: string,
  path: string,
  host?: string,
  headers: Record<string, string> = {}
): Promise<{ status: number }> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      hostname,
      port,
      path,
      headers: { ...headers, host: host ?? `${hostname}:${port}` }
    })
    req.on('response', (res) => {
      res.resume()
      resolve({ status: res.statusCode ?? 0 })
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve({ status: res.statusCode ?? 0 })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('loopback WebSocket bridge', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('refuses a wrong token and a foreign origin', async () => {
    await expect(connect('wrong')).rejects.toThrow(/403/)
    await expect(connect(server.token, 'http://evil.example')).rejects.toThrow(/403/)
  })

  it('carries the same contract, with validation', async () => {
    const ws = await connect(server.token)
    expect(await call(ws, 'listBootSources')).toMatchObject({ ok: true, value: [{ id: 1 }] })
    expect(await call(ws, 'getBootSource', { id: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument' }
    })
    expect(await call(ws, 'openExternal', { url: 'https://maas.io/' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/desktop app/) }
    })
    // No native dialogs without the Electron shell: the pickers say so instead of hanging.
    for (const picker of ['pickKeyringFile', 'pickDirectory']) {
      expect(await call(ws, picker)).toMatchObject({
        ok: false,
        error: { message: 'file and folder pickers exist only in the desktop app' }
      })
    }
    ws.close()
  })

  it('serves the renderer but nothing outside it', async () => {
    expect((await fetch(`${server.origin}/`)).status).toBe(200)
    expect((await fetch(`${server.origin}/../data/state.json`)).status).toBe(404)
    expect((await fetch(`${server.origin}/%2e%2e/data/state.json`)).status).toBe(404)
  })

  it('answers a malformed escape with 400 and keeps serving', async () => {
    expect((await rawGet(server.origin, '/%E0%A4%A')).status).toBe(400)
    expect((await fetch(`${server.origin}/`)).status).toBe(200)
  })

  it('refuses a Host header other than loopback with its port (DNS rebinding)', async () => {
    const port = new URL(server.origin).port
    expect((await rawGet(server.origin, '/', 'evil.example:' + port)).status).toBe(421)
    expect((await rawGet(server.origin, '/', '127.0.0.1:1')).status).toBe(421)
    expect((await rawGet(server.origin, '/', 'localhost:' + port)).status).toBe(200)
    const upgrade = await rawGet(server.origin, `/bridge?token=${server.token}`, 'evil.example:' + port, {
      connection: 'Upgrade',
      upgrade: 'websocket',
      origin: server.origin,
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ=='
    })
    expect(upgrade.status).toBe(403)
  })
})

describe('loopback WebSocket bridge: cancelRequest', () => {
  it('aborts the signal of a request this connection sent under that id, not another connection’s', async () => {
    const seen: AbortSignal[] = []
    const handlers = Object.fromEntries(
      requestNames.map((n) => [n, async () => null])
    ) as unknown as RequestHandlers
    handlers.getCatalogue = (_a, call) =>
      new Promise((_resolve, reject) => {
        seen.push(call!.signal)
        call!.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
      })
    handlers.cancelRequest = async ({ id }, call) => ({ cancelled: call?.cancel(id) ?? false })
    const own = await startBridgeServer({
      services: handlers,
      events: app.events,
      rendererDir: join(dir, 'renderer')
    })
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${own.origin.replace('http', 'ws')}/bridge?token=${own.token}`, {
          origin: own.origin
        })
        ws.once('open', () => resolve(ws))
        ws.once('error', reject)
      })
    const send = (ws: WebSocket, name: string, arg: unknown, requestId?: string): Promise<unknown> =>
      new Promise((resolve) => {
        const id = Math.floor(Math.random() * 1e9)
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data))
          if (msg.id === id) resolve(msg.result)
        })
        ws.send(JSON.stringify({ id, name, arg, requestId }))
      })
    try {
      const page = await open()
      const other = await open()
      const pending = send(page, 'getCatalogue', { boot_source_id: 1, refresh: true }, 'refresh-1')
      await vi.waitFor(() => expect(seen).toHaveLength(1), LOOPBACK)
      expect(await send(other, 'cancelRequest', { id: 'refresh-1' })).toEqual({
        ok: true,
        value: { cancelled: false }
      })
      expect(seen[0].aborted).toBe(false)
      expect(await send(page, 'cancelRequest', { id: 'refresh-1' })).toEqual({
        ok: true,
        value: { cancelled: true }
      })
      expect(await pending).toEqual({
        ok: false,
        error: { code: 'cancelled', message: 'getCatalogue cancelled' }
      })
      // A page that goes away takes its requests with it.
      const orphan = send(other, 'getCatalogue', { boot_source_id: 1 }, 'refresh-2')
      await vi.waitFor(() => expect(seen).toHaveLength(2), LOOPBACK)
      other.close()
      await vi.waitFor(() => expect(seen[1].aborted).toBe(true), LOOPBACK)
      void orphan
      page.close()
    } finally {
      await own.close()
    }
  })
})
