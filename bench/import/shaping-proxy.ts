/**
 * A TCP proxy that makes loopback look like a WAN link: a fixed one-way delay in each direction, one extra
 * round trip before a new connection's first bytes reach the server (the TCP handshake a real link costs),
 * and a per-connection rate cap on the server-to-client direction. It runs in its own process between the
 * measured client and nginx.
 *
 * Why not nginx's limit_rate: nginx grants each request a whole second's worth of bytes up front
 * (limit = rate x (elapsed seconds + 1) - sent), so a 4 MiB Range request at 25 MB/s is never slowed and
 * a client that asks in small pieces would dodge the cap. The bucket here has the same burst as the Node
 * test server's (a tenth of a second), so figures from either server stay comparable.
 *
 * Memory is bounded: each direction of each connection holds at most `highWaterBytes` (plus one socket
 * read) in its delay line; above that it stops reading, and TCP backpressure reaches the sender.
 */
import net, { type AddressInfo, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { TokenBucket } from '../../test/support/throttle'

export interface ShapingOptions {
  /** where nginx listens */
  targetHost: string
  targetPort: number
  /** delay added to every byte in each direction; a round trip costs twice this */
  oneWayMs: number
  /** server-to-client cap per connection, bytes per second; none when absent */
  rateBytesPerSec?: number
  /**
   * per direction per connection; default 1 MiB: four times what 25 MB/s keeps in a 10 ms delay line, so the
   * line never starves, and not much more than a WAN path holds in flight
   */
  highWaterBytes?: number
  /** default 0 (a free port) */
  port?: number
}

export interface ShapingProxy {
  port: number
  /** the most bytes any one delay line held at once, for the memory bound's test */
  maxQueuedBytes(): number
  close(): Promise<void>
}

interface Pending {
  due: number
  buf: Buffer
}

const EMPTY: Pending = { due: 0, buf: Buffer.alloc(0) }

/**
 * One direction of one connection: bytes read from `src` are written to `dst` at their due time, in order.
 * A single timer serves the head of the queue, so cost does not grow with the number of chunks in flight.
 */
class DelayLine {
  private readonly queue: Pending[] = []
  private head = 0
  private queued = 0
  private lastDue = 0
  private timer: NodeJS.Timeout | undefined
  private ended = false

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly delayMs: number,
    private readonly highWater: number,
    private readonly bucket: TokenBucket | undefined,
    /** nothing is delivered before this time (the handshake round trip) */
    notBefore: number,
    private readonly onQueued: (n: number) => void
  ) {
    this.lastDue = notBefore
    src.on('data', (buf: Buffer) => this.accept(buf))
    src.on('end', () => {
      this.ended = true
      this.flush()
    })
  }

  private accept(buf: Buffer): void {
    const now = performance.now()
    // The bucket says when the last byte of this chunk may leave; the delay is added on top.
    const wait = this.bucket ? this.bucket.reserve(buf.length) : 0
    const due = Math.max(now + wait + this.delayMs, this.lastDue)
    this.lastDue = due
    this.queue.push({ due, buf })
    this.queued += buf.length
    this.onQueued(this.queued)
    if (this.queued > this.highWater) this.src.pause()
    this.schedule()
  }

  private schedule(): void {
    if (this.timer || this.head >= this.queue.length) return
    const ms = Math.max(0, this.queue[this.head].due - performance.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush()
    }, ms)
  }

  private flush(): void {
    const now = performance.now()
    while (this.head < this.queue.length && this.queue[this.head].due <= now + 0.5) {
      const { buf } = this.queue[this.head]
      // Let go of it once handed to the socket: a written slot left in the array kept every chunk alive until
      // 1,024 had piled up (64 MiB per direction, ~800 MB RSS in a shaped import with 16 connections).
      this.queue[this.head++] = EMPTY
      if (this.dst.destroyed) return
      this.dst.write(buf, () => {
        this.queued -= buf.length
        if (this.queued <= this.highWater / 2 && this.src.isPaused() && !this.src.destroyed) this.src.resume()
      })
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head)
      this.head = 0
    }
    if (this.head < this.queue.length) this.schedule()
    else if (this.ended && !this.dst.destroyed) this.dst.end()
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }
}

export async function startShapingProxy(o: ShapingOptions): Promise<ShapingProxy> {
  const highWater = o.highWaterBytes ?? 1024 * 1024
  const sockets = new Set<Socket>()
  let maxQueued = 0
  const noteQueued = (n: number): void => {
    if (n > maxQueued) maxQueued = n
  }
  // Half-open allowed both ways: an end from one side must not drop bytes still waiting in the other line.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const accepted = performance.now()
    const upstream = net.connect({ host: o.targetHost, port: o.targetPort, allowHalfOpen: true })
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    sockets.add(client)
    sockets.add(upstream)
    // On a real link the request leaves one round trip after connect() (the handshake) and then takes one way.
    const firstArrival = accepted + 3 * o.oneWayMs
    const up = new DelayLine(client, upstream, o.oneWayMs, highWater, undefined, firstArrival, noteQueued)
    const bucket = o.rateBytesPerSec ? new TokenBucket(o.rateBytesPerSec) : undefined
    const down = new DelayLine(upstream, client, o.oneWayMs, highWater, bucket, 0, noteQueued)
    const teardown = (): void => {
      up.stop()
      down.stop()
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    // A reset or error on either side ends both, so nginx sees a killed client go. When the server closes
    // normally, the client line still delivers what it holds and then ends the client.
    client.on('error', teardown)
    upstream.on('error', teardown)
    client.on('close', teardown)
    upstream.on('close', () => sockets.delete(upstream))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    maxQueuedBytes: () => maxQueued,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
