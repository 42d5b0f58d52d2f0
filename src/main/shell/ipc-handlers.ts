/**
 * Binds one ipcMain handler per request of the contract. Each handler
 *   1. checks the sender is the app's own main frame (not an iframe, not another window's page),
 *   2. validates the argument with the request's schema,
 *   3. hands it to the services layer's handleRequest (validation, the handler, errors as data),
 *      with the request id the preload attached, so the same window can cancel it.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import {
  eventChannel,
  eventNames,
  requestChannel,
  requestNames,
  type RequestHandlers
} from '@shared/ipc-contract'
import type { AppEvents } from '../services/events'
import { handleRequest, InFlightRequests } from '../services/handle-request'

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

/** True only for the top frame of one of our windows whose page is the bundled renderer. */
export function isTrustedSender(
  event: IpcMainInvokeEvent,
  isOurContents: (c: WebContents) => boolean,
  appUrl: (url: string) => boolean
): boolean {
  const frame = event.senderFrame
  if (!frame || frame !== event.sender.mainFrame) return false
  if (!isOurContents(event.sender)) return false
  return appUrl(frame.url)
}

export function registerIpcHandlers(
  ipcMain: IpcMain,
  handlers: RequestHandlers,
  isTrusted: SenderCheck
): () => void {
  // One set of cancellable requests per window: a page can cancel only its own.
  const bySender = new Map<number, InFlightRequests>()
  const inFlightOf = (sender: WebContents): InFlightRequests => {
    let set = bySender.get(sender.id)
    if (!set) {
      set = new InFlightRequests()
      bySender.set(sender.id, set)
      sender.once?.('destroyed', () => {
        set?.cancelAll()
        bySender.delete(sender.id)
      })
    }
    return set
  }
  for (const name of requestNames) {
    ipcMain.handle(requestChannel(name), (event, arg: unknown, requestId?: unknown) => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'request refused: unknown sender' } }
      }
      return handleRequest(handlers, name, arg, {
        requestId: requestId === undefined || requestId === null ? undefined : (requestId as string),
        inFlight: inFlightOf(event.sender)
      })
    })
  }
  return () => requestNames.forEach((name) => ipcMain.removeHandler(requestChannel(name)))
}

/** Forwards every contract event to a window's renderer until it is destroyed. */
export function forwardEvents(events: AppEvents, contents: WebContents): () => void {
  const offs = eventNames.map((name) =>
    events.on(name, (payload) => {
      if (!contents.isDestroyed()) contents.send(eventChannel(name), payload)
    })
  )
  const off = () => offs.forEach((f) => f())
  contents.once('destroyed', off)
  return off
}
