// @vitest-environment happy-dom
// The Export view offers the classic baseline when the run has one, says when it scored higher on the
// same rows, and exports the model the user picked; a run without a baseline shows no choice.
import { mount } from '@vue/test-utils'
import { NMessageProvider } from 'naive-ui'
import { defineComponent, h } from 'vue'
import { beforeEach, describe, expect, it } from 'vitest'
import ExportView from '../../src/renderer/src/views/ExportView.vue'
import { useExportsStore } from '../../src/renderer/src/stores/exports'
import { makeRun, type FakeApi } from './fake-api'
import { flush, freshApp, plugins } from './setup'

let fake: FakeApi
const baseline = { kind: 'tfidf-logreg', accuracy: 0.9, macroF1: 0.9, split: 'test' as const, rows: 12, validation: { accuracy: 0.9, macroF1: 0.9, rows: 12 }, seconds: 0.4, features: 300, C: 10 }
beforeEach(() => {
  fake = freshApp()
  const plain = makeRun({ id: 'r1', name: 'no baseline' })
  const withBaseline = makeRun({ id: 'r2', name: 'with baseline' })
  withBaseline.metrics = { ...withBaseline.metrics!, split: 'test', baseline }
  fake.runs = [plain, withBaseline]
})

async function mountView() {
  const Host = defineComponent({ render: () => h(NMessageProvider, () => h(ExportView)) })
  const wrapper = mount(Host, { global: { plugins: await plugins() }, attachTo: document.body })
  await flush()
  return wrapper
}

describe('ExportView: the classic baseline', () => {
  it('shows no model choice for a run without a baseline', async () => {
    const w = await mountView()
    useExportsStore().runId = 'r1'
    await flush()
    expect(w.find('[data-testid="export-which"]').exists()).toBe(false)
    w.unmount()
  })

  it('offers no baseline export for a run whose baseline is not the text one (a table run)', async () => {
    const table = makeRun({ id: 'r3', name: 'table' })
    table.metrics = { ...table.metrics!, baseline: { ...baseline, kind: 'table-logreg' } }
    fake.runs.push(table)
    const w = await mountView()
    useExportsStore().runId = 'r3'
    await flush()
    expect(w.find('[data-testid="export-which"]').exists()).toBe(false)
    w.unmount()
  })

  it('says the baseline scored higher, exports it when picked, and goes back to the run model for another run', async () => {
    const w = await mountView()
    const store = useExportsStore()
    store.runId = 'r2'
    await flush()
    const which = w.get('[data-testid="export-which"]')
    expect(which.text()).toContain('The classic baseline scored higher on the same rows (90.0% against 80.0%)')
    await w.get('[data-testid="export-which-baseline"] input').setValue(true)
    await flush()
    expect(store.model).toBe('baseline')
    await w.get('[data-testid="export-start"]').trigger('click')
    await flush()
    expect(fake.calls.find((c) => c.name === 'exports.create')?.input).toMatchObject({ runId: 'r2', model: 'baseline' })
    store.runId = 'r1'
    await flush()
    expect(store.model).toBe('run')
    w.unmount()
  })
})
