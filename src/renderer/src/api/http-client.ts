// Web mode's WorkbenchApi: POST /api/<group>.<method> with JSON, events over a WebSocket.
// The method list comes from the shared contract, so nothing is kept in sync by hand.
import { apiSpec, type WorkbenchApi } from '../../../shared/api'
import { ApiError, type ApiErrorCode } from './api-error'
import { createEventSocket } from './event-socket'

/** Options for the HTTP client; tests pass a fake fetch. */
export interface HttpClientOptions {
  /** Origin + path prefix, e.g. "http://127.0.0.1:4000" (defaults to the page's origin). */
  baseUrl?: string
  fetchImpl?: typeof fetch
  WebSocketImpl?: typeof WebSocket
  /** Called when the server answers 401 (the cookie is missing or stale). */
  onUnauthorized?: () => void
  /** Called after the event socket reconnects. */
  onReconnect?: () => void
}

type Envelope = { ok: true; result: unknown } | { ok: false; error: { message: string; code: ApiErrorCode } }

/** Build a WorkbenchApi that talks to the web-mode server. */
export function createHttpApi(options: HttpClientOptions = {}): WorkbenchApi {
  const base = options.baseUrl ?? window.location.origin
  const doFetch = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args))

  async function post(path: string, body: BodyInit | undefined, contentType: string): Promise<unknown> {
    let res: Response
    try {
      res = await doFetch(`${base}/api/${path}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'Content-Type': contentType },
        body,
      })
    } catch {
      throw new ApiError('Cannot reach the Workbench server. Is it still running in the terminal?', 'network')
    }
    let envelope: Envelope | null
    try {
      envelope = (await res.json()) as Envelope
    } catch {
      envelope = null
    }
    if (res.status === 401) {
      options.onUnauthorized?.()
      throw new ApiError(
        envelope && !envelope.ok ? envelope.error.message : 'Not signed in. Open the link printed in the terminal.',
        'unauthorized',
        401,
      )
    }
    if (!envelope) throw new ApiError(`The server sent an unreadable answer (HTTP ${res.status}).`, 'internal', res.status)
    if (!envelope.ok) throw new ApiError(envelope.error.message, envelope.error.code ?? 'internal', res.status)
    return envelope.result
  }

  function call(name: string, input: unknown): Promise<unknown> {
    if (name === 'datasets.upload') {
      const { fileName, data } = input as { fileName: string; data: Uint8Array }
      return post(`datasets.upload?fileName=${encodeURIComponent(fileName)}`, data as BodyInit, 'application/octet-stream')
    }
    return post(name, input === undefined ? undefined : JSON.stringify(input), 'application/json')
  }

  const wsUrl = base.replace(/^http/, 'ws') + '/api/events'
  const events = createEventSocket({ url: wsUrl, WebSocketImpl: options.WebSocketImpl, onReconnect: options.onReconnect })

  const api: Record<string, unknown> = { subscribe: events.subscribe }
  for (const [group, methods] of Object.entries(apiSpec)) {
    const g: Record<string, (input?: unknown) => Promise<unknown>> = {}
    for (const m of Object.keys(methods)) g[m] = (input?: unknown) => call(`${group}.${m}`, input)
    api[group] = g
  }
  return api as WorkbenchApi
}
