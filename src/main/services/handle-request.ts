/**
 * The one entry to the request map for every front end: the Electron IPC handlers, the WebSocket
 * bridge and the CLI all call handleRequest, so each request is validated by the contract's schema,
 * runs the same handler and fails the same way, as data.
 *
 * Every call gets its own AbortController. A caller that names the call with a request id can abort
 * it with cancelRequest({id}) (the renderer's Cancel buttons); the CLI links its SIGINT signal.
 */
import { AppError, toErrorShape } from '@shared/errors'
import {
  requestNames,
  requests,
  type RequestHandlers,
  type RequestName,
  type RequestOptions,
  type WireResult
} from '@shared/ipc-contract'
import { requestIdSchema } from '@shared/schemas'
import { validate } from '@shared/validate'

/**
 * The requests one caller (a window, a WebSocket connection, a CLI run) has in flight under an id.
 * Scoped per caller so one page cannot cancel another's requests.
 */
export class InFlightRequests {
  private readonly running = new Map<string, AbortController>()

  /** Registers a call; refuses an id already in flight (it could not be cancelled apart). */
  add(requestId: string, controller: AbortController): () => void {
    if (this.running.has(requestId))
      throw new AppError('conflict', `request id ${requestId} is already in flight`)
    this.running.set(requestId, controller)
    return () => {
      if (this.running.get(requestId) === controller) this.running.delete(requestId)
    }
  }

  cancel(requestId: string): boolean {
    const controller = this.running.get(requestId)
    if (!controller) return false
    controller.abort(new AppError('cancelled', `request ${requestId} cancelled`))
    return true
  }

  /** Aborts everything (the window closed, the connection dropped). */
  cancelAll(): void {
    for (const id of [...this.running.keys()]) this.cancel(id)
  }

  get size(): number {
    return this.running.size
  }
}

export interface HandleOptions extends RequestOptions {
  /** the caller's requests in flight: where requestId is registered and cancelRequest looks */
  inFlight?: InFlightRequests
  /** an outside abort (the CLI's Ctrl-C) that cancels this call too */
  signal?: AbortSignal
}

export async function handleRequest(
  handlers: RequestHandlers,
  name: string,
  arg: unknown,
  options: HandleOptions = {}
): Promise<WireResult<unknown>> {
  const controller = new AbortController()
  const forward = (): void => controller.abort(options.signal?.reason)
  let unregister = (): void => undefined
  try {
    if (!(requestNames as readonly string[]).includes(name))
      throw new AppError('invalid_argument', `unknown request ${name}`)
    const key = name as RequestName
    const input = validate(requests[key].input, arg, `argument to ${name}`)
    if (options.requestId !== undefined) {
      const id = validate(requestIdSchema, options.requestId, `request id of ${name}`)
      if (options.inFlight) unregister = options.inFlight.add(id, controller)
    }
    if (options.signal?.aborted) forward()
    else options.signal?.addEventListener('abort', forward, { once: true })
    const handler = handlers[key] as (a: unknown, ctx: unknown) => Promise<unknown>
    const value = await handler(input, {
      signal: controller.signal,
      cancel: (id: string) => options.inFlight?.cancel(id) ?? false
    })
    return { ok: true, value: value ?? null }
  } catch (err) {
    // Whatever a cancelled handler throws on its way out (an aborted fetch, a closed file) is the
    // cancellation, not a failure of its own.
    if (controller.signal.aborted)
      return { ok: false, error: { code: 'cancelled', message: `${name} cancelled` } }
    return { ok: false, error: toErrorShape(err) }
  } finally {
    unregister()
    options.signal?.removeEventListener('abort', forward)
  }
}

/** Unwraps a WireResult for in-process callers (the CLI): errors become AppErrors again. */
export function unwrap<T>(result: WireResult<unknown>): T {
  if (result.ok) return result.value as T
  throw new AppError(result.error.code as AppError['code'], result.error.message, {
    detail: result.error.detail
  })
}
