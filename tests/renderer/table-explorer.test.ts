// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import BarChart from '../../src/renderer/src/components/BarChart.vue'
import TableExplorer from '../../src/renderer/src/components/TableExplorer.vue'
import { meanColumnAttention } from '../../src/renderer/src/stores/table-explorer'
import type { Prediction } from '../../src/shared/domain'
import { makeDataset, type FakeApi } from './fake-api'
import { freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

const table = makeDataset({
  id: 'dt',
  kind: 'table',
  columns: [
    { name: 'id', kind: 'id', reason: 'r', missing: 0, distinct: 2 },
    { name: 'width', kind: 'numeric', reason: 'r', missing: 0, distinct: 2 },
    { name: 'colour', kind: 'categorical', reason: 'r', missing: 0, distinct: 2 },
    { name: 'label', kind: 'label', reason: 'r', missing: 0, distinct: 2 },
  ],
})
const withColumns = (attention: number[]): Partial<Prediction> => ({ columns: { names: ['width', 'colour'], attention } })

describe('table attention explorer', () => {
  it('averages each column over the test rows and predicts a filled-in row with the columns it looked at', async () => {
    fake.after('datasets.preview', (r) => {
      ;(r as { rows: unknown[] }).rows = [
        { index: 4, text: 'width: 3, colour: red', label: 'hi', split: 'test', cells: { id: '4', width: '3', colour: 'red', label: 'hi' } },
        { index: 9, text: 'width: 1, colour: blue', label: 'lo', split: 'test', cells: { id: '9', width: '1', colour: 'blue', label: 'lo' } },
      ]
    })
    let n = 0
    fake.after('runs.predictMany', (r) => (r as Prediction[]).forEach((p) => Object.assign(p, withColumns(n++ === 0 ? [0.6, 0.2] : [0.2, 0.4]))))
    fake.after('runs.predict', (r) => Object.assign(r as Prediction, withColumns([0.7, 0.1])))
    const w = mount(TableExplorer, { props: { runId: 'r1', dataset: table }, global: { plugins: await plugins(), stubs: { BarChart: true } } })
    await flushPromises()
    const many = fake.calls.find((c) => c.name === 'runs.predictMany')!.input as { texts: string[]; attention: boolean }
    expect(many.attention).toBe(true)
    expect(JSON.parse(many.texts[1]!)).toEqual({ id: '9', width: '1', colour: 'blue', label: 'lo' })
    expect(w.text()).toContain('averaged over 2 test rows')
    const avg = w.findComponent(BarChart)
    expect(avg.props('categories')).toEqual(['width', 'colour'])
    expect((avg.props('values') as number[]).map((v) => +v.toFixed(6))).toEqual([0.4, 0.3])
    const inputs = w.findAll('input')
    expect(inputs.map((i) => i.attributes('aria-label'))).toEqual(['width', 'colour'])
    expect((inputs[0]!.element as HTMLInputElement).value).toBe('3')
    await inputs[1]!.setValue('green')
    await w.get('form').trigger('submit')
    await flushPromises()
    const one = fake.calls.find((c) => c.name === 'runs.predict')!.input as { text: string; attention: boolean }
    expect(JSON.parse(one.text)).toEqual({ width: '3', colour: 'green' })
    expect(w.get('[data-testid="table-answer"]').text()).toContain('pos')
    expect(w.findAllComponents(BarChart)[0]!.props('values')).toEqual([0.7, 0.1])
  })

  it('means each column over the predictions that carry column attention', () => {
    const p = (a: number[]) => ({ label: 'x', probabilities: {}, ...withColumns(a) }) as Prediction
    expect(meanColumnAttention([p([0.5, 0.1]), p([0.3, 0.3]), { label: 'x', probabilities: {} }])).toEqual({ names: ['width', 'colour'], attention: [0.4, 0.2], rows: 2 })
    expect(meanColumnAttention([])).toBeNull()
  })
})
