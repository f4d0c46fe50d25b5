// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventSocket } from '../../src/renderer/src/api/event-socket'

class FakeSocket {
  static all: FakeSocket[] = []
  onopen: (() => void) | null = null
  onclose: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  onerror: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  open() {
    this.onopen?.()
  }
  send(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) })
  }
  drop() {
    this.onclose?.()
  }
  close() {}
}

afterEach(() => {
  FakeSocket.all = []
  vi.useRealTimers()
})

describe('event socket', () => {
  it('delivers each message only to listeners of its channel', () => {
    const s = createEventSocket({ url: 'ws://h/api/events', WebSocketImpl: FakeSocket as unknown as typeof WebSocket })
    const runEvents: unknown[] = []
    const datasetEvents: unknown[] = []
    s.subscribe('run', (e) => runEvents.push(e))
    s.subscribe('dataset', (e) => datasetEvents.push(e))
    expect(FakeSocket.all).toHaveLength(1)
    const ws = FakeSocket.all[0]
    ws.open()
    ws.send({ channel: 'run', event: { type: 'status', runId: 'r1', status: 'running' } })
    ws.send({ channel: 'dataset', event: { type: 'done', jobId: 'j', datasetId: 'd' } })
    expect(runEvents).toEqual([{ type: 'status', runId: 'r1', status: 'running' }])
    expect(datasetEvents).toEqual([{ type: 'done', jobId: 'j', datasetId: 'd' }])
  })

  it('stops delivering after unsubscribe', () => {
    const s = createEventSocket({ url: 'ws://h', WebSocketImpl: FakeSocket as unknown as typeof WebSocket })
    const got: unknown[] = []
    const off = s.subscribe('run', (e) => got.push(e))
    FakeSocket.all[0].open()
    off()
    FakeSocket.all[0].send({ channel: 'run', event: { type: 'log' } })
    expect(got).toEqual([])
  })

  it('reconnects with growing delays and reports the reconnect', () => {
    vi.useFakeTimers()
    const onReconnect = vi.fn()
    const s = createEventSocket({ url: 'ws://h', WebSocketImpl: FakeSocket as unknown as typeof WebSocket, onReconnect, minDelayMs: 100, maxDelayMs: 1000 })
    s.subscribe('run', () => {})
    FakeSocket.all[0].open()
    FakeSocket.all[0].drop()
    vi.advanceTimersByTime(99)
    expect(FakeSocket.all).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.all).toHaveLength(2)
    // Second failure before opening: the wait doubles.
    FakeSocket.all[1].drop()
    vi.advanceTimersByTime(150)
    expect(FakeSocket.all).toHaveLength(2)
    vi.advanceTimersByTime(50)
    expect(FakeSocket.all).toHaveLength(3)
    FakeSocket.all[2].open()
    expect(onReconnect).toHaveBeenCalledTimes(1)
  })

  it('ignores messages that are not JSON', () => {
    const s = createEventSocket({ url: 'ws://h', WebSocketImpl: FakeSocket as unknown as typeof WebSocket })
    const got: unknown[] = []
    s.subscribe('run', (e) => got.push(e))
    FakeSocket.all[0].onmessage?.({ data: 'not json' })
    FakeSocket.all[0].send({ channel: 'run', event: 1 })
    expect(got).toEqual([1])
  })
})
