/**
 * Works around an undici 7 crash (nodejs/undici#5360, fixed in undici 8 by #5474): when a response that
 * does not keep its connection alive (`Connection: close`, HTTP/1.0) is paused for backpressure exactly at
 * the end of what the socket had read, and the server's FIN is already in, undici's socket 'end' handler
 * asserts that the parser is not paused and throws from an event handler: an uncatchable exception that
 * ends the process. A mirror that closes after its answer and a slow disk are enough.
 *
 * The guard puts a listener in front of undici's on every socket a request of ours is sent on; at 'end' it
 * tells that socket's exchange, which resumes its parser for good (backpressure becomes advisory). That is
 * safe for memory: once the FIN is in, all that is left of the answer is already in the socket's buffer.
 *
 * How the exchange learns its socket: undici calls a request's onRequestStart and then, synchronously in
 * the same function, publishes `undici:client:sendHeaders` with the socket (client-h1.js writeH1).
 * Remove this file when undici 8 is the dependency.
 */
import diagnostics from 'node:diagnostics_channel'
import type { Socket } from 'node:net'

export interface EndAware {
  /** the socket this exchange's request went out on ended (FIN received) */
  socketEnded(): void
}

const CURRENT = Symbol('maas-images exchange on this socket')
type Guarded = Socket & { [CURRENT]?: EndAware }

let starting: EndAware | undefined

diagnostics.subscribe('undici:client:sendHeaders', (message) => {
  const ex = starting
  starting = undefined
  if (!ex) return
  const socket = (message as { socket: Guarded }).socket
  if (!(CURRENT in socket)) socket.prependListener('end', () => socket[CURRENT]?.socketEnded())
  socket[CURRENT] = ex
})

/** Called from onRequestStart: the socket undici publishes next, synchronously, is this exchange's. */
export function requestStarting(ex: EndAware): void {
  starting = ex
}
