// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useRunsStore } from '../../src/renderer/src/stores/runs'
import { makeRun, type FakeApi } from './fake-api'
import { flush, freshApp } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

const point = (step: number, split: 'train' | 'validation' = 'train') => ({ step, epoch: 0, split, loss: 1 / step, time: step })

describe('runs store', () => {
  it('loads the history, then appends live metric events once each', async () => {
    fake.runs = [makeRun({ id: 'r1', status: 'running' })]
    fake.metrics.r1 = [point(1), point(2)]
    const runs = useRunsStore()
    await runs.refresh()
    await runs.loadMetrics('r1')
    expect(runs.series.r1.map((p) => p.step)).toEqual([1, 2])
    const tickBefore = runs.seriesTick.r1
    fake.emit('run', { type: 'metric', runId: 'r1', point: point(3) })
    // A repeat of a point already in the history is ignored.
    fake.emit('run', { type: 'metric', runId: 'r1', point: point(2) })
    expect(runs.series.r1.map((p) => p.step)).toEqual([1, 2, 3])
    expect(runs.seriesTick.r1).toBeGreaterThan(tickBefore)
  })

  it('applies bursts of progress events at most four times a second, latest first', async () => {
    fake.runs = [makeRun({ id: 'r1', status: 'running', progress: null })]
    const runs = useRunsStore()
    await runs.refresh()
    runs.subscribe()
    vi.useFakeTimers()
    try {
      const progress = (step: number) => ({ type: 'progress' as const, runId: 'r1', step, epoch: 1, totalSteps: 30, loss: 1 / step, lr: 0.001, tokensPerSec: 1000 + step, etaSec: 30 - step })
      for (let step = 1; step <= 7; step++) fake.emit('run', progress(step))
      expect(runs.byId.get('r1')!.progress).toBeNull()
      vi.advanceTimersByTime(250)
      expect(runs.byId.get('r1')!.progress).toEqual({ epoch: 1, step: 7, totalSteps: 30, etaSec: 23 })
      expect(runs.live.r1.tokensPerSec).toBe(1007)
    } finally {
      vi.useRealTimers()
    }
  })

  it('applies waiting progress before a status change', async () => {
    fake.runs = [makeRun({ id: 'r1', status: 'running', progress: null })]
    const runs = useRunsStore()
    await runs.refresh()
    runs.subscribe()
    fake.emit('run', { type: 'progress', runId: 'r1', step: 30, epoch: 3, totalSteps: 30, loss: 0.2, lr: 0, tokensPerSec: 900, etaSec: 0 })
    fake.emit('run', { type: 'status', runId: 'r1', status: 'completed' })
    const r = runs.byId.get('r1')!
    expect(r.status).toBe('completed')
    expect(r.progress?.step).toBe(30)
  })

  it('updates the status from events and then reloads the stored run', async () => {
    fake.runs = [makeRun({ id: 'r1', status: 'running', metrics: null })]
    const runs = useRunsStore()
    await runs.refresh()
    runs.subscribe()
    fake.runs[0].status = 'completed'
    fake.runs[0].metrics = makeRun().metrics
    fake.emit('run', { type: 'status', runId: 'r1', status: 'completed' })
    expect(runs.byId.get('r1')!.status).toBe('completed')
    await flush()
    expect(runs.byId.get('r1')!.metrics?.accuracy).toBe(0.8)
  })

  it('shows a star at once and takes it back when saving fails', async () => {
    fake.runs = [makeRun({ id: 'r1', starred: false })]
    const runs = useRunsStore()
    await runs.refresh()
    fake.failWith('runs.update', 'The database is locked.')
    const pending = runs.update('r1', { starred: true })
    expect(runs.byId.get('r1')!.starred).toBe(true)
    expect(await pending).toBe(false)
    expect(runs.byId.get('r1')!.starred).toBe(false)
    expect(runs.actionError['r1:update']).toBe('The database is locked.')
  })

  it('puts a started run at the top and reports a refused start where it happened', async () => {
    const runs = useRunsStore()
    const run = await runs.start({ datasetId: 'd1', preset: 'quick', name: 'mine' })
    expect(run?.name).toBe('mine')
    expect(runs.runs[0].id).toBe(run!.id)
    fake.failWith('runs.start', 'The dataset has only one label.')
    expect(await runs.start({ datasetId: 'd1' })).toBeUndefined()
    expect(runs.actionError['new:start']).toBe('The dataset has only one label.')
  })

  it('removes a deleted run from the list', async () => {
    fake.runs = [makeRun({ id: 'r1' }), makeRun({ id: 'r2' })]
    const runs = useRunsStore()
    await runs.refresh()
    expect(await runs.remove('r1')).toBe(true)
    expect(runs.runs.map((r) => r.id)).toEqual(['r2'])
  })
})
