/**
 * The loopback WebSocket transport used when the built renderer runs in a plain browser (end-to-end
 * tests without the Electron binary). It carries exactly the IPC contract's messages.
 */
import type { BridgeTransport } from '@shared/bridge-client'
import type { EventName, WireResult } from '@shared/ipc-contract'

export function createWebSocketTransport(url: string): BridgeTransport {
  const socket = new WebSocket(url)
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true })
    socket.addEventListener(
      'error',
      () => reject(new Error('cannot reach the app over the loopback bridge')),
      {
        once: true
      }
    )
  })
  let nextId = 1
  const pending = new Map<number, (r: WireResult<unknown>) => void>()
  const listeners = new Map<string, Set<(p: unknown) => void>>()

  socket.addEventListener('message', (msg) => {
    const data = JSON.parse(String(msg.data)) as {
      id?: number
      result?: WireResult<unknown>
      event?: string
      payload?: unknown
    }
    if (typeof data.id === 'number' && data.result) {
      pending.get(data.id)?.(data.result)
      pending.delete(data.id)
    } else if (data.event) {
      listeners.get(data.event)?.forEach((l) => l(data.payload))
    }
  })
  socket.addEventListener('close', () => {
    for (const resolve of pending.values())
      resolve({ ok: false, error: { code: 'network', message: 'the app closed the connection' } })
    pending.clear()
  })

  return {
    async invoke(name, arg, requestId) {
      await opened
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve)
        socket.send(JSON.stringify({ id, name, arg, requestId }))
      })
    },
    subscribe(event: EventName, listener) {
      const set = listeners.get(event) ?? new Set()
      set.add(listener)
      listeners.set(event, set)
      return () => set.delete(listener)
    }
  }
}
