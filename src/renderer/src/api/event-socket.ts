// Web mode's event stream: one WebSocket at /api/events, fanned out to listeners by channel,
// reconnecting with exponential backoff so a restarted server or a sleeping laptop recovers.
import type { WorkbenchEvents } from '../../../shared/domain'

type Channel = keyof WorkbenchEvents
type Listener = (event: unknown) => void

/** Options for the socket; tests pass a fake WebSocket constructor. */
export interface EventSocketOptions {
  url: string
  WebSocketImpl?: typeof WebSocket
  /** Called after a reconnect so stores can reload what they may have missed. */
  onReconnect?: () => void
  minDelayMs?: number
  maxDelayMs?: number
}

/** A lazily opened, self-healing event socket. */
export function createEventSocket(options: EventSocketOptions) {
  const listeners = new Map<Channel, Set<Listener>>()
  const WS = options.WebSocketImpl ?? WebSocket
  const minDelay = options.minDelayMs ?? 500
  const maxDelay = options.maxDelayMs ?? 15_000
  let socket: WebSocket | null = null
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let everOpened = false
  let closed = false

  function listenerCount(): number {
    let n = 0
    for (const set of listeners.values()) n += set.size
    return n
  }

  function connect(): void {
    if (socket || closed) return
    const ws = new WS(options.url)
    socket = ws
    ws.onopen = () => {
      if (everOpened) options.onReconnect?.()
      everOpened = true
      attempt = 0
    }
    ws.onmessage = (msg: MessageEvent) => {
      let parsed: { channel?: Channel; event?: unknown }
      try {
        parsed = JSON.parse(String(msg.data))
      } catch {
        return
      }
      if (!parsed.channel) return
      for (const l of listeners.get(parsed.channel) ?? []) {
        try {
          l(parsed.event)
        } catch (err) {
          console.error('event listener failed', err)
        }
      }
    }
    ws.onclose = () => {
      socket = null
      if (closed || listenerCount() === 0) return
      const delay = Math.min(maxDelay, minDelay * 2 ** attempt)
      attempt++
      timer = setTimeout(() => {
        timer = null
        connect()
      }, delay)
    }
    ws.onerror = () => {
      // onclose follows and schedules the retry.
    }
  }

  return {
    subscribe<K extends Channel>(channel: K, listener: (event: WorkbenchEvents[K]) => void): () => void {
      let set = listeners.get(channel)
      if (!set) listeners.set(channel, (set = new Set()))
      set.add(listener as Listener)
      connect()
      return () => {
        set.delete(listener as Listener)
      }
    },
    close(): void {
      closed = true
      if (timer) clearTimeout(timer)
      socket?.close()
      socket = null
    },
  }
}
