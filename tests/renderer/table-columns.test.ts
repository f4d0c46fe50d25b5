// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import TableColumns from '../../src/renderer/src/components/TableColumns.vue'
import { makeDataset, type FakeApi } from './fake-api'
import { freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

describe("a table dataset's columns", () => {
  it('shows each role with its reason, and applies only the changed roles (a new label demotes the old one)', async () => {
    const dataset = makeDataset({
      kind: 'table',
      columns: [
        { name: 'width', kind: 'numeric', reason: 'Every present value is a number (9 different ones), so its size matters.', why: { code: 'numeric', params: { distinct: 9 } }, missing: 0, distinct: 9 },
        { name: 'colour', kind: 'categorical', reason: 'x', why: { code: 'categorical', params: { distinct: 3 } }, missing: 0, distinct: 3 },
        { name: 'label', kind: 'label', reason: 'x', why: { code: 'labelNamed', params: { name: 'label' } }, missing: 0, distinct: 2 },
      ],
    })
    fake.datasets.push(dataset)
    const w = mount(TableColumns, { props: { dataset }, global: { plugins: await plugins() } })
    expect(w.text()).toContain('Every present value is a number (9 different ones), so its size matters.')
    expect(w.get('[data-testid="apply-columns"]').attributes('disabled')).toBeDefined()
    const vm = w.vm as unknown as { setRole(c: string, r: string): void }
    vm.setRole('colour', 'label')
    await flushPromises()
    await w.get('[data-testid="apply-columns"]').trigger('click')
    await flushPromises()
    const call = fake.calls.find((c) => c.name === 'datasets.setColumns')!.input as { id: string; roles: Record<string, string> }
    expect(call).toEqual({ id: dataset.id, roles: { colour: 'label', label: 'id' } })
  })
})
