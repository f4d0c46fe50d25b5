// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import RunResults from '../../src/renderer/src/components/RunResults.vue'
import type { FakeApi } from './fake-api'
import { makeRun } from './fake-api'
import { flush, freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

describe('RunResults', () => {
  it('shows the classic baseline beside the model and the accuracy range on a small test set', async () => {
    const base = makeRun({ id: 'rb' })
    const run = makeRun({
      id: 'rb',
      metrics: {
        ...base.metrics!,
        accuracy: 0.74,
        accuracyInterval: { low: 0.52, high: 0.88, level: 0.95 },
        baseline: { kind: 'tfidf-logreg', accuracy: 0.71, macroF1: 0.7, split: 'test', rows: 12, validation: { accuracy: 0.7, macroF1: 0.69, rows: 12 }, seconds: 0.4, features: 300, C: 10 },
      },
    })
    fake.runs = [run]
    const wrapper = mount(RunResults, { props: { run }, global: { plugins: await plugins(), stubs: { ConfusionMatrix: true, BarChart: true, TryIt: true } } })
    await flush()
    expect(wrapper.get('[data-testid="baseline-line"]').text()).toContain('71.0%; this model: 74.0%')
    expect(wrapper.get('[data-testid="accuracy-interval"]').text()).toBe('(52–88%)')
  })

  it('shows no baseline line or range when the run has neither', async () => {
    const run = makeRun({ id: 'rn' })
    fake.runs = [run]
    const wrapper = mount(RunResults, { props: { run }, global: { plugins: await plugins(), stubs: { ConfusionMatrix: true, BarChart: true, TryIt: true } } })
    await flush()
    expect(wrapper.find('[data-testid="baseline-line"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="accuracy-interval"]').exists()).toBe(false)
  })
})
