/**
 * Binds one ipcMain handler per request of the contract. Each handler
 *   1. checks the sender is the app's own main frame (not an iframe, not another window's page),
 *   2. validates the argument with the request's schema,
 *   3. calls the service and returns `{ok, value}` or `{ok:false, error:{code,message}}`:
 *      errors cross as data, never as stack traces.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { AppError, toErrorShape } from '../../shared/errors'
import {
  eventChannel,
  eventNames,
  requestChannel,
  requestNames,
  requests,
  type Services,
  type WireResult
} from '../../shared/ipc-contract'
import { validate } from '../../shared/validate'
import type { AppEvents } from '../services/events'

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

export async function handleRequest(
  services: Services,
  name: string,
  arg: unknown
): Promise<WireResult<unknown>> {
  try {
    if (!(requestNames as readonly string[]).includes(name))
      throw new AppError('invalid_argument', `unknown request ${name}`)
    const key = name as keyof Services
    const input = validate(requests[key].input, arg, `argument to ${name}`)
    const value = await (services[key] as (a: unknown) => Promise<unknown>)(input)
    return { ok: true, value: value ?? null }
  } catch (err) {
    return { ok: false, error: toErrorShape(err) }
  }
}

export function registerIpcHandlers(
  ipcMain: IpcMain,
  services: Services,
  isTrusted: SenderCheck
): () => void {
  for (const name of requestNames) {
    ipcMain.handle(requestChannel(name), (event, arg: unknown) => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'request refused: unknown sender' } }
      }
      return handleRequest(services, name, arg)
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
