// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { NDialogProvider, NMessageProvider } from 'naive-ui'
import { defineComponent, h } from 'vue'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import RunsView from '../../src/renderer/src/views/RunsView.vue'
import { makeRun, type FakeApi } from './fake-api'
import { flush, freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
  fake.runs = [
    makeRun({ id: 'r1', name: 'baseline', tags: ['keep'], starred: true }),
    makeRun({ id: 'r2', name: 'bigger model', status: 'interrupted', metrics: null }),
    makeRun({ id: 'r3', name: 'tiny', status: 'failed', metrics: null, notes: 'ran out of memory' }),
  ]
})

async function mountView() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
  await router.push('/runs')
  const Host = defineComponent({ render: () => h(NMessageProvider, () => h(NDialogProvider, () => h(RunsView))) })
  const wrapper = mount(Host, { global: { plugins: [...(await plugins()), router] }, attachTo: document.body })
  await flush()
  return wrapper
}
const names = (w: Awaited<ReturnType<typeof mountView>>) => w.findAll('.name-cell a').map((a) => a.text())

describe('RunsView', () => {
  it('lists runs and filters them by search text in names and notes', async () => {
    const w = await mountView()
    expect(names(w).sort()).toEqual(['baseline', 'bigger model', 'tiny'])
    await w.get('input[aria-label="Search name, tags, notes"]').setValue('memory')
    await flush()
    expect(names(w)).toEqual(['tiny'])
    w.unmount()
  })

  it('offers Resume only for the interrupted run and stars through the store', async () => {
    const w = await mountView()
    const resumeButtons = w.findAll('.row-actions button').filter((b) => b.text() === 'Resume')
    expect(resumeButtons).toHaveLength(1)
    await resumeButtons[0].trigger('click')
    await flush()
    expect(fake.calls.find((c) => c.name === 'runs.resume')?.input).toEqual({ id: 'r2' })
    await w.get('button[aria-label="Star tiny"]').trigger('click')
    await flush()
    expect(fake.calls.find((c) => c.name === 'runs.update')?.input).toEqual({ id: 'r3', starred: true })
    w.unmount()
  })
})
