/** A typed emitter for the main → renderer events declared in the IPC contract. */
import { EventEmitter } from 'node:events'
import type { EventMap, EventName } from '@shared/ipc-contract'

export class AppEvents {
  private readonly emitter = new EventEmitter()
  constructor() {
    // Every open window and WebSocket client subscribes; that is not a leak.
    this.emitter.setMaxListeners(100)
  }
  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    this.emitter.emit(event, payload)
  }
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    this.emitter.on(event, listener)
    return () => this.emitter.off(event, listener)
  }
}
