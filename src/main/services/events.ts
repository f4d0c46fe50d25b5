// A tiny typed event hub: services emit, transports subscribe.
import type { WorkbenchEvents } from '../../shared/domain'

type Listener<K extends keyof WorkbenchEvents> = (event: WorkbenchEvents[K]) => void

/** Fan-out of service events to any number of subscribers (IPC, WebSocket, terminal). */
export class EventHub {
  private listeners: { [K in keyof WorkbenchEvents]: Set<Listener<K>> } = { run: new Set(), dataset: new Set(), base: new Set() }

  emit<K extends keyof WorkbenchEvents>(channel: K, event: WorkbenchEvents[K]): void {
    for (const l of this.listeners[channel]) {
      try {
        l(event)
      } catch {
        // A broken subscriber must not stop the others or the service that emitted.
      }
    }
  }

  subscribe<K extends keyof WorkbenchEvents>(channel: K, listener: Listener<K>): () => void {
    this.listeners[channel].add(listener)
    return () => this.listeners[channel].delete(listener)
  }
}
