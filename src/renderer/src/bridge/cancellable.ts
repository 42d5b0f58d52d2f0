/**
 * A request the user can stop: the call carries a request id, and cancel() asks main to abort it
 * (cancelRequest). Main scopes ids per window, so a counter is unique enough.
 */
import type { RequestOptions } from '@shared/ipc-contract'
import { getBridge } from './index'

let counter = 0

export interface Cancellable {
  /** pass as the request's second argument */
  options: RequestOptions
  /** asks main to abort the request; it then ends with code `cancelled` (verify: a cancelled report) */
  cancel(): Promise<void>
}

export function cancellable(): Cancellable {
  const id = `r${Date.now().toString(36)}-${++counter}`
  return {
    options: { requestId: id },
    cancel: async () => {
      await getBridge().cancelRequest({ id })
    }
  }
}
