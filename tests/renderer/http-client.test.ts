// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../src/renderer/src/api/api-error'
import { createHttpApi } from '../../src/renderer/src/api/http-client'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

class NoSocket {
  onopen: (() => void) | null = null
  onclose: (() => void) | null = null
  onmessage: ((m: MessageEvent) => void) | null = null
  onerror: (() => void) | null = null
  close() {}
}

describe('HTTP transport', () => {
  it('posts group.method with the JSON input and returns the result', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, { ok: true, result: [{ id: 'r1' }] }))
    const api = createHttpApi({ baseUrl: 'http://127.0.0.1:9', fetchImpl: fetchImpl as unknown as typeof fetch, WebSocketImpl: NoSocket as unknown as typeof WebSocket })
    const result = await api.runs.list({ limit: 5 })
    expect(result).toEqual([{ id: 'r1' }])
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('http://127.0.0.1:9/api/runs.list')
    expect(init.method).toBe('POST')
    expect(init.credentials).toBe('same-origin')
    expect(JSON.parse(init.body as string)).toEqual({ limit: 5 })
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
  })

  it('sends no body for methods without input', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, { ok: true, result: { name: 'x' } }))
    const api = createHttpApi({ baseUrl: 'http://h', fetchImpl: fetchImpl as unknown as typeof fetch, WebSocketImpl: NoSocket as unknown as typeof WebSocket })
    await api.app.info()
    const init = (fetchImpl.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect(init.body).toBeUndefined()
  })

  it('turns an error envelope into an ApiError carrying the server message and code', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(404, { ok: false, error: { message: 'No run with id x.', code: 'not_found' } }))
    const api = createHttpApi({ baseUrl: 'http://h', fetchImpl: fetchImpl as unknown as typeof fetch, WebSocketImpl: NoSocket as unknown as typeof WebSocket })
    const err = await api.runs.get({ id: 'x' }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.message).toBe('No run with id x.')
    expect(err.code).toBe('not_found')
    expect(err.status).toBe(404)
  })

  it('reports 401 to the app so it can show the sign-in screen', async () => {
    const onUnauthorized = vi.fn()
    const fetchImpl = vi.fn(async () => jsonResponse(401, { ok: false, error: { message: 'Missing or invalid token.', code: 'unauthorized' } }))
    const api = createHttpApi({ baseUrl: 'http://h', fetchImpl: fetchImpl as unknown as typeof fetch, WebSocketImpl: NoSocket as unknown as typeof WebSocket, onUnauthorized })
    const err = await api.app.info().catch((e) => e)
    expect(err.code).toBe('unauthorized')
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('uploads raw bytes with the file name in the query string', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, { ok: true, result: { uploadId: 'u1', size: 3 } }))
    const api = createHttpApi({ baseUrl: 'http://h', fetchImpl: fetchImpl as unknown as typeof fetch, WebSocketImpl: NoSocket as unknown as typeof WebSocket })
    const r = await api.datasets.upload({ fileName: 'my reviews.csv', data: new Uint8Array([1, 2, 3]) })
    expect(r).toEqual({ uploadId: 'u1', size: 3 })
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('http://h/api/datasets.upload?fileName=my%20reviews.csv')
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/octet-stream')
    expect(Array.from(init.body as Uint8Array)).toEqual([1, 2, 3])
  })

  it('says the server is unreachable when fetch itself fails', async () => {
    const fetchImpl = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    const api = createHttpApi({ baseUrl: 'http://h', fetchImpl: fetchImpl as unknown as typeof fetch, WebSocketImpl: NoSocket as unknown as typeof WebSocket })
    const err = await api.datasets.list().catch((e) => e)
    expect(err.code).toBe('network')
    expect(err.message).toMatch(/Cannot reach/)
  })
})
