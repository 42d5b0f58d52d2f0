/**
 * One GET on an undici dispatcher, as a dispatch handler of our own: the cheapest way through undici (no
 * Readable, no Writable, no promise per chunk; measured against undici's Pool.request and Pool.stream),
 * and the only one that tells us when the socket is ready, which our timeouts need:
 * - connect timeout: from dispatch until a socket is ready for the request (TCP, proxy CONNECT, TLS);
 * - stall watchdog: from then until the last body byte, with no byte for `stallTimeoutMs` (headers included);
 *   time the consumer holds the body paused does not count, so a slow disk never looks like a dead mirror;
 * - cancellation by `signal`.
 * The response resolves once its headers are in; the body is held (paused) until consumed.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import { AppError } from '@shared/errors'
import { networkError, type RequestPhase } from './describe-error'
import { requestStarting, type EndAware } from './paused-end-guard'
import { received } from './receive-meter'
import type { BodyConsumer, ResponseBody } from './response-body'
import { Watchdog } from './watchdog'

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  /** the URL this answer is for (after redirects, in httpOpen) */
  url: string
  /** must be consumed or destroyed */
  body: ResponseBody
}

export interface ExchangeOptions {
  dispatcher: Dispatcher
  headers: Record<string, string>
  connectTimeoutMs: number
  stallTimeoutMs: number
  signal?: AbortSignal
  /** the proxy's label for messages */
  via?: string
  /** close the connection after this request instead of keeping it alive */
  reset?: boolean
}

type Controller = Dispatcher.DispatchController

const destroyed = new AppError('cancelled', 'response body destroyed')

export function exchange(target: URL, o: ExchangeOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const ex = new Exchange(target, o, resolve, reject)
    ex.start()
  })
}

class Exchange implements Dispatcher.DispatchHandler, ResponseBody, EndAware {
  private readonly url: string
  private controller: Controller | undefined
  private phase: RequestPhase = 'connect'
  private resolved = false
  /** set once: the first failure, or `destroyed` when the consumer let go */
  private failure: AppError | undefined
  private complete = false
  private consumer: BodyConsumer | undefined
  /** chunks that came before consume() (normally none: the body is paused at the headers) */
  private held: Buffer[] = []
  private consumerPaused = false
  /** the socket has ended: never pause undici's parser again (see paused-end-guard.ts) */
  private advisory = false
  private readonly watchdog: Watchdog
  private connectTimer: NodeJS.Timeout | undefined
  private readonly onAbort = (): void =>
    this.fail(new AppError('cancelled', `cancelled fetching ${this.url}`))

  constructor(
    private readonly target: URL,
    private readonly o: ExchangeOptions,
    private readonly resolve: (r: RawResponse) => void,
    private readonly reject: (e: unknown) => void
  ) {
    this.url = target.href
    this.watchdog = new Watchdog(
      o.stallTimeoutMs,
      (idle) =>
        this.fail(new AppError('network', `stalled for ${Math.round(idle / 1000)} s fetching ${this.url}`)),
      // Between the answer and its consumer, and while the consumer holds it, the wait is the consumer's.
      () => this.resolved && (this.consumer === undefined || this.consumerPaused)
    )
  }

  start(): void {
    if (this.o.signal?.aborted) return this.onAbort()
    this.o.signal?.addEventListener('abort', this.onAbort, { once: true })
    this.connectTimer = setTimeout(() => {
      const via = this.o.via ? ` via proxy ${this.o.via}` : ''
      this.fail(
        new AppError(
          'network',
          `connect timeout after ${this.o.connectTimeoutMs / 1000} s fetching ${this.url}${via}`
        )
      )
    }, this.o.connectTimeoutMs)
    try {
      this.o.dispatcher.dispatch(
        {
          origin: this.target.origin,
          path: this.target.pathname + this.target.search,
          method: 'GET',
          headers: this.o.headers,
          reset: this.o.reset
        },
        this
      )
    } catch (err) {
      this.fail(networkError(err, this.url, { via: this.o.via, phase: this.phase }))
    }
  }

  // ---- undici's side ----

  onRequestStart(controller: Controller): void {
    this.controller = controller
    if (this.failure) {
      // Failed (timeout, cancel) while the connection was being made: undici had no way to be told yet.
      controller.abort(this.failure)
      return
    }
    clearTimeout(this.connectTimer)
    this.phase = 'headers'
    this.watchdog.start()
    requestStarting(this)
  }

  socketEnded(): void {
    if (this.complete || this.failure || this.advisory) return
    this.advisory = true
    // Whatever is left of the answer is in the socket's buffer now: let undici parse it to the end.
    this.controller?.resume()
  }

  onResponseStart(controller: Controller, status: number, headers: IncomingHttpHeaders): void {
    // undici's raw header array holds Buffers that are views of the 64 KiB socket read that carried the
    // headers, and undici leaves it on the controller for the whole request. Often it has already been
    // promoted out of V8's young generation (a scavenge during parsing found it alive); then, even once
    // unreachable, it pins that read until the next full collection. The parsed headers here are strings
    // (undici parsed them before calling us and reads the array no more), so empty it in place and drop it:
    // the reads go at the next scavenge. Peak RSS of a shaped 0.25 import 102-103 MB against 113-115
    // (docs/performance.md, "Decisions that stand").
    if (Array.isArray(controller.rawHeaders)) controller.rawHeaders.length = 0
    controller.rawHeaders = null
    if (status < 200 || this.failure) return
    this.phase = 'body'
    this.watchdog.kick()
    // Held until consume(): the caller looks at the status and headers first.
    if (!this.advisory) controller.pause()
    this.resolved = true
    this.resolve({ status, headers, url: this.url, body: this })
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    received(chunk.length)
    this.watchdog.kick()
    if (this.failure) return
    if (this.consumer) this.consumer.data(chunk)
    else {
      this.held.push(chunk)
      if (!this.advisory) controller.pause()
    }
  }

  onResponseEnd(): void {
    this.complete = true
    this.finish()
    if (this.failure || !this.consumer) return
    // undici hands the connection to the next request only on its next turn of the event loop (it waits a
    // setImmediate, queued after this returns); a consumer told now would ask for its next range before that
    // and get a second connection. Told after undici's immediate, it reuses this one.
    const consumer = this.consumer
    queueMicrotask(() =>
      setImmediate(() => {
        if (!this.failure) consumer.end()
      })
    )
  }

  onResponseError(_controller: Controller, err: Error): void {
    // Our own abort coming back (timeout, cancel, destroy) carries the AppError already reported.
    if (this.failure) return
    this.fail(networkError(err, this.url, { via: this.o.via, phase: this.phase }))
  }

  // ---- the consumer's side ----

  consume(consumer: BodyConsumer): void {
    if (this.consumer) throw new Error(`response body of ${this.url} consumed twice`)
    this.consumer = consumer
    if (this.failure && this.failure !== destroyed) return consumer.error(this.failure)
    const held = this.held
    this.held = []
    for (const chunk of held) consumer.data(chunk)
    if (this.complete) return consumer.end()
    if (!this.consumerPaused) this.controller?.resume()
  }

  pause(): void {
    this.consumerPaused = true
    if (!this.advisory) this.controller?.pause()
  }

  resume(): void {
    this.consumerPaused = false
    if (this.consumer && !this.failure) this.controller?.resume()
  }

  destroy(): void {
    if (this.failure) return
    this.failure = destroyed
    this.held = []
    this.finish()
    // A body received whole leaves its keep-alive connection to the pool; otherwise it is closed.
    if (!this.complete) this.controller?.abort(destroyed)
  }

  // ----

  private fail(err: AppError): void {
    if (this.failure) return
    this.failure = err
    this.held = []
    this.finish()
    if (!this.complete) this.controller?.abort(err)
    if (!this.resolved) {
      this.resolved = true
      this.reject(err)
    } else {
      this.consumer?.error(err)
    }
  }

  private finish(): void {
    clearTimeout(this.connectTimer)
    this.watchdog.stop()
    this.o.signal?.removeEventListener('abort', this.onAbort)
  }
}
