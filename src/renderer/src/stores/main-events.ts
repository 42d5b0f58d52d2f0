/**
 * The one way a store follows main's events: `followMainEvents(handlers)` inside the store's setup gives
 * `listen()` (subscribe once; idempotent, so every screen that needs the store may call it) and `stop()`;
 * the subscriptions end with the store's scope. A bridge that cannot be reached is reported through
 * `onError` instead of breaking the screen.
 */
import { onScopeDispose } from 'vue'
import type { EventMap, EventName } from '@shared/ipc-contract'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'

export type MainEventHandlers = { [E in EventName]?: (payload: EventMap[E]) => void }

export interface MainEventSubscription {
  listen(): void
  stop(): void
}

export function followMainEvents(
  handlers: MainEventHandlers,
  onError: (message: string) => void
): MainEventSubscription {
  let offs: Array<() => void> = []
  function listen(): void {
    if (offs.length) return
    try {
      const bridge = getBridge()
      offs = (Object.keys(handlers) as EventName[]).map((event) =>
        bridge.on(event, handlers[event] as (payload: EventMap[typeof event]) => void)
      )
    } catch (err) {
      onError(errorMessage(err))
    }
  }
  function stop(): void {
    for (const off of offs.splice(0)) off()
  }
  onScopeDispose(stop)
  return { listen, stop }
}
