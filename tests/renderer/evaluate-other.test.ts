// @vitest-environment happy-dom
// Scoring a run on another dataset from its results: datasets of the same kind are offered with the
// labels they share, one with none is disabled and explained in a sentence, and the score shows its
// interval, the rows it scored and the rows left out for unknown labels.
import { mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import EvaluateOther from '../../src/renderer/src/components/EvaluateOther.vue'
import { i18n } from '../../src/renderer/src/i18n'
import { makeDataset, makeRun, type FakeApi } from './fake-api'
import { flush, freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
  fake.datasets = [
    makeDataset({ id: 'd1', name: 'reviews' }),
    makeDataset({ id: 'd2', name: 'more reviews', rowCount: 1000, labels: ['neg', 'pos', 'mixed'], labelCounts: { neg: 450, pos: 450, mixed: 100 } }),
    makeDataset({ id: 'd3', name: 'topics', labels: ['sport', 'politics'], labelCounts: { sport: 60, politics: 60 } }),
    makeDataset({ id: 'd4', name: 'a table', kind: 'table' }),
  ]
})

async function mountIt() {
  const run = makeRun({ id: 'r1', datasetId: 'd1' })
  fake.runs = [run]
  const w = mount(EvaluateOther, { props: { run }, global: { plugins: await plugins() } })
  await flush()
  return w
}

/** The options of the dataset picker as the select holds them. */
function options(w: Awaited<ReturnType<typeof mountIt>>) {
  return w.getComponent({ name: 'Select' }).props('options') as { value: string; label: string; disabled: boolean }[]
}

describe('EvaluateOther', () => {
  it('scores every labelled row of another dataset and says how many, with the interval and the rows left out', async () => {
    const w = await mountIt()
    expect(options(w)).toEqual([
      { value: 'd2', label: 'more reviews (2 of its 3 labels known to the model)', disabled: false },
      { value: 'd3', label: 'topics (no labels in common)', disabled: true },
    ])
    await w.getComponent({ name: 'Select' }).vm.$emit('update:value', 'd2')
    await flush()
    await w.get('[data-testid="evaluate-other-start"]').trigger('click')
    await flush()
    expect(fake.calls.find((c) => c.name === 'runs.evaluate')?.input).toEqual({ id: 'r1', datasetId: 'd2' })
    const text = w.get('[data-testid="evaluate-other-result"]').text()
    expect(text).toContain('84.0%')
    expect(text).toContain('(80–88%)')
    expect(text).toContain('Scored all 900 labelled rows of “more reviews”.')
    expect(w.get('[data-testid="evaluate-other-unknown"]').text()).toBe('100 rows were left out: their labels are not among the model’s.')
  })

  it('explains in a sentence why a dataset with none of the labels cannot be scored, in both languages', async () => {
    const w = await mountIt()
    await w.getComponent({ name: 'Select' }).vm.$emit('update:value', 'd3')
    await flush()
    expect(w.text()).toContain('“topics” has none of this model’s labels (neg, pos), so it cannot be scored on it.')
    expect(w.get('[data-testid="evaluate-other-start"]').attributes('disabled')).toBeDefined()
    i18n.global.locale.value = 'zh-CN'
    await flush()
    expect(w.text()).toContain('“topics”没有这个模型的任何标签（neg, pos），所以无法在上面评分。')
    i18n.global.locale.value = 'en'
    expect(fake.calls.some((c) => c.name === 'runs.evaluate')).toBe(false)
  })

  it('shows the service’s refusal when it refuses', async () => {
    const w = await mountIt()
    fake.failWith('runs.evaluate', 'None of the 120 labelled rows of that dataset has a label this model knows (neg, pos).', 'bad_input')
    await w.getComponent({ name: 'Select' }).vm.$emit('update:value', 'd2')
    await flush()
    await w.get('[data-testid="evaluate-other-start"]').trigger('click')
    await flush()
    expect(w.text()).toContain('None of the 120 labelled rows of that dataset has a label this model knows')
    expect(w.find('[data-testid="evaluate-other-result"]').exists()).toBe(false)
  })
})
