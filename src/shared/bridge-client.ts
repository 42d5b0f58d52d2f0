/**
 * Builds the renderer-facing Bridge from two transport primitives. The Electron preload and the
 * loopback WebSocket client both use this, so the renderer sees the same object either way.
 */
import { isErrorShape } from './errors'
import type { Bridge, EventMap, EventName, RequestOptions, WireResult } from './ipc-contract'
import { requestNames } from './request-names'

export interface BridgeTransport {
  /** `requestId`, when given, lets cancelRequest({id}) abort this call in main */
  invoke(name: string, arg: unknown, requestId?: string): Promise<WireResult<unknown>>
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void
}

/** Rejections carry `{code, message}` as an Error so `await` + `catch` work naturally in the UI. */
export class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** the technical cause, for a details line (see AppErrorShape) */
    readonly detail?: string
  ) {
    super(message)
    this.name = 'BridgeError'
  }
}

export function createBridge(transport: BridgeTransport): Bridge {
  const api: Record<string, unknown> = {}
  for (const name of requestNames) {
    api[name] = async (arg?: unknown, options?: RequestOptions) => {
      const result = await transport.invoke(name, arg, options?.requestId)
      if (result.ok) return result.value
      const e = isErrorShape(result.error)
        ? result.error
        : { code: 'internal', message: 'unknown error', detail: undefined }
      throw new BridgeError(e.code, e.message, e.detail)
    }
  }
  api.on = <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) =>
    transport.subscribe(event, listener as (payload: unknown) => void)
  return Object.freeze(api) as Bridge
}
