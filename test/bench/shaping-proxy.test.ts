import { createHash, randomBytes } from 'node:crypto'
import net, { type AddressInfo, type Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import { startShapingProxy, type ShapingProxy } from '../../bench/import/shaping-proxy'
import { fullGc } from '../support/full-gc'

let servers: Server[] = []
let proxies: ShapingProxy[] = []

afterEach(async () => {
  for (const p of proxies) await p.close()
  for (const s of servers) await new Promise((r) => s.close(r))
  servers = []
  proxies = []
})

async function listen(onConnection: (s: Socket) => void): Promise<number> {
  const server = net.createServer(onConnection)
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return (server.address() as AddressInfo).port
}

async function proxy(targetPort: number, o: { oneWayMs: number; rate?: number; highWater?: number }) {
  const p = await startShapingProxy({
    targetHost: '127.0.0.1',
    targetPort,
    oneWayMs: o.oneWayMs,
    rateBytesPerSec: o.rate,
    highWaterBytes: o.highWater
  })
  proxies.push(p)
  return p
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s))
    s.once('error', reject)
  })
}

function nextData(s: Socket): Promise<Buffer> {
  return new Promise((resolve) => s.once('data', resolve))
}

/** Reads until the peer ends; resolves with everything. */
function readAll(s: Socket): Promise<Buffer> {
  const parts: Buffer[] = []
  s.on('data', (d: Buffer) => parts.push(d))
  return new Promise((resolve) => s.once('end', () => resolve(Buffer.concat(parts))))
}

describe('shaping proxy', () => {
  it('delays each direction by the one-way time, and a new connection by one more round trip', async () => {
    const echo = await listen((s) => s.pipe(s))
    const p = await proxy(echo, { oneWayMs: 25 })
    // Timed from connect(): the proxy accepts at once and charges the handshake to the first bytes instead.
    let t0 = performance.now()
    const c = await connect(p.port)
    c.write('first')
    expect((await nextData(c)).toString()).toBe('first')
    const first = performance.now() - t0
    // Later exchanges on the same connection pay one round trip only (the fastest of three, against load).
    const later: number[] = []
    for (const word of ['second', 'third', 'fourth']) {
      t0 = performance.now()
      c.write(word)
      expect((await nextData(c)).toString()).toBe(word)
      later.push(performance.now() - t0)
    }
    c.destroy()
    // Handshake round trip (50) + there (25) + back (25); then a plain round trip. Timers may fire up to 1 ms early.
    expect(first).toBeGreaterThanOrEqual(98)
    for (const ms of later) expect(ms).toBeGreaterThanOrEqual(48)
    expect(Math.min(...later)).toBeLessThan(first - 25)
  })

  it('caps the server-to-client rate per connection and delivers every byte in order', async () => {
    const payload = randomBytes(3_000_000)
    const src = await listen((s) => s.end(payload))
    const p = await proxy(src, { oneWayMs: 0, rate: 10_000_000 })
    const c = await connect(p.port)
    const t0 = performance.now()
    const got = await readAll(c)
    const ms = performance.now() - t0
    expect(createHash('sha256').update(got).digest('hex')).toBe(
      createHash('sha256').update(payload).digest('hex')
    )
    // 3 MB at 10 MB/s with a burst of a tenth of a second (1 MB): at least 200 ms.
    expect(ms).toBeGreaterThanOrEqual(190)
  })

  it('stops reading from the server while the client does not read: memory stays bounded', async () => {
    const payload = randomBytes(20_000_000)
    const src = await listen((s) => s.end(payload))
    const highWater = 256 * 1024
    const p = await proxy(src, { oneWayMs: 5, highWater })
    const c = await connect(p.port)
    c.pause()
    await new Promise((r) => setTimeout(r, 400))
    // The high-water mark plus at most one socket read (64 KiB) above it.
    expect(p.maxQueuedBytes()).toBeLessThanOrEqual(highWater + 64 * 1024)
    c.resume()
    const got = await readAll(c)
    expect(got.length).toBe(payload.length)
    expect(got.equals(payload)).toBe(true)
  })

  it('lets go of what it has delivered: 60 MiB through an open connection leave no more than its high-water mark held', async () => {
    // The server sends one reused 64 KiB buffer again and again and keeps the connection open: any memory
    // that grows is the proxy's.
    const block = Buffer.alloc(64 * 1024, 1)
    const total = 60 * 1024 * 1024
    const src = await listen((s) => {
      let sent = 0
      const more = (): void => {
        while (sent < total) {
          sent += block.length
          if (!s.write(block)) return void s.once('drain', more)
        }
      }
      more()
    })
    const p = await proxy(src, { oneWayMs: 1 })
    const c = await connect(p.port)
    let received = 0
    await new Promise<void>((resolve) =>
      c.on('data', (d: Buffer) => {
        received += d.length
        if (received === total) resolve()
      })
    )
    const gc = fullGc()
    gc()
    await new Promise((r) => setTimeout(r, 10))
    gc()
    // Delivered chunks were kept in the delay line's queue until 1,024 had piled up: all of these (~960 reads).
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(16 * 1024 * 1024)
    c.destroy()
  })
})
