/**
 * A response body as the HTTP client delivers it: chunks pushed straight from undici's parser to one
 * consumer, with pause/resume for backpressure. The downloader consumes it as is (no Readable, no copy,
 * no event emitter per request); everything else gets a Readable through toReadable(). fromReadable() turns
 * any Readable (a local mirror's file stream, a test's scripted body) into the same shape.
 */
import { Readable } from 'node:stream'

export interface BodyConsumer {
  /** One chunk; the consumer may call pause() from here. */
  data(chunk: Buffer): void
  /** The whole body arrived. */
  end(): void
  /** The body failed (an AppError naming the URL and cause); nothing follows. */
  error(err: unknown): void
}

export interface ResponseBody {
  /** Starts delivering to `consumer` (once; a body has one consumer). */
  consume(consumer: BodyConsumer): void
  pause(): void
  resume(): void
  /** Stops the transfer and frees the connection; nothing is delivered afterwards. Idempotent. */
  destroy(): void
}

/** A ResponseBody as a Readable, for callers that read with `for await` or pipe. */
export function toReadable(body: ResponseBody, highWaterMark = 256 * 1024): Readable {
  const readable = new Readable({
    highWaterMark,
    read() {
      body.resume()
    },
    destroy(err, cb) {
      body.destroy()
      cb(err)
    }
  })
  body.consume({
    data(chunk) {
      if (!readable.push(chunk)) body.pause()
    },
    end() {
      readable.push(null)
    },
    error(err) {
      readable.destroy(err as Error)
    }
  })
  return readable
}

/** Any Readable of Buffers as a ResponseBody. */
export function fromReadable(readable: Readable): ResponseBody {
  let consumer: BodyConsumer | undefined
  let over = false
  /** an error that came before consume(), delivered then */
  let early: { err: unknown } | undefined
  const onData = (chunk: Buffer): void => {
    if (!over) consumer?.data(chunk)
  }
  const onEnd = (): void => {
    if (over) return
    over = true
    consumer?.end()
  }
  const onError = (err: unknown): void => {
    if (over) return
    if (!consumer) {
      early = { err }
      return
    }
    over = true
    consumer.error(err)
  }
  // Listened to at once: an error before consume() (or after destroy) must not be an unhandled 'error' event.
  readable.on('error', onError)
  return {
    consume(c) {
      consumer = c
      if (early) return onError(early.err)
      readable.on('data', onData)
      readable.once('end', onEnd)
    },
    pause: () => readable.pause(),
    resume: () => readable.resume(),
    destroy() {
      over = true
      readable.off('data', onData)
      readable.destroy()
    }
  }
}

/** A body given either way (the downloader's fetchers may be tests returning Readables). */
export function asResponseBody(body: ResponseBody | Readable): ResponseBody {
  return body instanceof Readable ? fromReadable(body) : body
}
