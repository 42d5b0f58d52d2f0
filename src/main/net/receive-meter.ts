/**
 * Bytes received over HTTP, counted where undici hands us each body chunk (exchange.ts), for one listener
 * that acts every so many bytes: the CLI's heap governor (cli/heap-governor.ts). Its timer runs between
 * event-loop turns, but one turn of a fast import reads many sockets, each read a fresh 64 KiB buffer that
 * dies once copied; counted here, the governor also looks within the turn, and the dead reads it frees never
 * pile up to whatever one turn read. Nothing is counted while no listener is set (the app's processes).
 *
 * The listener runs as a microtask, after the chunk's callback has returned: the chunk has been copied and
 * is dead then. A collection from inside the callback finds the chunk and the parser's state alive, and
 * promotes them: an import ran 9-22 full collections that way, against 3-4.
 */
let listener: (() => void) | undefined
let step = Infinity
let count = 0

/** `fn` runs (as a microtask) each time another `every` bytes have been received; returns its removal. */
export function onReceived(every: number, fn: () => void): () => void {
  listener = fn
  step = every
  count = 0
  return () => {
    if (listener !== fn) return
    listener = undefined
    step = Infinity
  }
}

/** Called with each body chunk's length. */
export function received(bytes: number): void {
  if ((count += bytes) < step) return
  count -= step
  if (listener) queueMicrotask(listener)
}
