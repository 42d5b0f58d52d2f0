/**
 * Runs sandboxed with context isolation. Exposes `window.maasImages`: one method per request of the
 * IPC contract and `on(event, cb)` that returns an unsubscribe function. ipcRenderer itself is
 * never exposed, so the page can reach no channel outside the contract.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { createBridge } from '@shared/bridge-client'
import type { WireResult } from '@shared/ipc-contract'
import { eventChannel, eventNames, requestChannel } from '@shared/request-names'

const bridge = createBridge({
  // A request id (what cancelRequest names) travels as a third argument, and only as a string.
  invoke: (name, arg, requestId) =>
    (typeof requestId === 'string'
      ? ipcRenderer.invoke(requestChannel(name), arg, requestId)
      : ipcRenderer.invoke(requestChannel(name), arg)) as Promise<WireResult<unknown>>,
  subscribe: (event, listener) => {
    if (!(eventNames as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`)
    const channel = eventChannel(event)
    // Strip the IpcRendererEvent: it carries `sender`, which must not reach the page.
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(channel, wrapped)
    return () => {
      ipcRenderer.removeListener(channel, wrapped)
    }
  }
})

contextBridge.exposeInMainWorld('maasImages', bridge)
