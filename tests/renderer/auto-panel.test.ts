// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import AutoPanel from '../../src/renderer/src/components/AutoPanel.vue'
import { useAutoStore } from '../../src/renderer/src/stores/auto'
import type { FakeApi } from './fake-api'
import { flush, freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

describe('AutoPanel', () => {
  it('starts a search with the budget in seconds, then shows the leaderboard and the winner’s test score', async () => {
    const wrapper = mount(AutoPanel, { props: { datasetId: 'd1' }, global: { plugins: await plugins() } })
    const auto = useAutoStore()
    auto.minutes = 2
    await wrapper.get('[data-testid="auto-start"]').trigger('click')
    await flush()
    expect(fake.calls.find((c) => c.name === 'auto.start')!.input).toMatchObject({ datasetId: 'd1', budgetSeconds: 120 })
    const a = fake.autos[0]
    a.status = 'completed'
    a.elapsedSeconds = 100
    a.leaderboard = [
      { key: 'balanced-lr3', label: 'Balanced, learning rate x3 (6 epochs to fit the time)', kind: 'model', runId: 'r9', status: 'completed', validationMacroF1: 0.81, seconds: 50 },
      { key: 'baseline', label: 'Classic baseline', kind: 'baseline', runId: 'r8', status: 'completed', validationMacroF1: 0.78, seconds: 0 },
      { key: 'thorough', label: 'Thorough', kind: 'model', runId: null, status: 'skipped', validationMacroF1: null, seconds: 0 },
      { key: 'baseline-pixels', label: 'Classic baseline (logistic regression on the pixels)', kind: 'baseline', runId: 'r7', status: 'completed', validationMacroF1: 0.5, seconds: 0 },
    ]
    a.winner = { ...a.leaderboard[0], test: { accuracy: 0.62, macroF1: 0.6, rows: 100, split: 'test', accuracyInterval: { low: 0.52, high: 0.71, level: 0.95 } } }
    await auto.poll()
    await flush()
    const rows = wrapper.findAll('[data-testid="auto-leaderboard"] tbody tr').map((r) => r.text())
    expect(rows[0]).toContain('Balanced, learning rate x3 (6 epochs to fit the time)')
    expect(rows[0]).toContain('81.0%')
    expect(rows[1]).toContain('Classic baseline')
    expect(rows[2]).toContain('skipped')
    expect(rows[3]).toContain('Classic baseline (logistic regression on the pixels)')
    expect(wrapper.get('[data-testid="auto-winner"]').text()).toContain('Test accuracy 62.0% on 100 rows')
    expect(wrapper.get('[data-testid="auto-winner"]').text()).toContain('(52–71%)')
  })

  it('after a restart shows the latest search on the dataset with its trials, and opens a trial', async () => {
    fake.autos.push({ autoId: 'sweep_old', name: 'Auto (5 min)', datasetId: 'd1', status: 'interrupted', startedAt: '2025-01-01T10:00:00.000Z', budgetSeconds: 300, elapsedSeconds: 140, leaderboard: [{ key: 'quick', label: 'Quick', kind: 'model', runId: 'r5', status: 'completed', validationMacroF1: 0.7, seconds: 60 }], winner: null, currentRunId: null, error: null })
    fake.autos.push({ autoId: 'sweep_other', name: 'Other data', datasetId: 'd2', status: 'completed', budgetSeconds: 300, elapsedSeconds: 10, leaderboard: [], winner: null, currentRunId: null, error: null })
    const wrapper = mount(AutoPanel, { props: { datasetId: 'd1' }, global: { plugins: await plugins() } })
    await flush()
    expect(fake.calls.find((c) => c.name === 'auto.list')!.input).toEqual({ datasetId: 'd1' })
    expect(wrapper.get('[data-testid="auto-name"]').text()).toContain('Auto (5 min)')
    expect(wrapper.get('[data-testid="auto-status"]').text()).toMatch(/^Interrupted after 2 min 20 s/)
    await wrapper.get('[data-testid="auto-leaderboard"] [data-run="r5"]').trigger('click')
    expect(wrapper.emitted('open')).toEqual([['r5']])
  })
})
