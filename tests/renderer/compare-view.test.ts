// @vitest-environment happy-dom
// Compare names the settings that differ in the UI's language (the settings form's own names), and
// keeps the service's name for a setting the form does not have.
import { mount } from '@vue/test-utils'
import { NMessageProvider } from 'naive-ui'
import { defineComponent, h } from 'vue'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import CompareView from '../../src/renderer/src/views/CompareView.vue'
import { setLocale } from '../../src/renderer/src/i18n'
import { useCompareStore } from '../../src/renderer/src/stores/compare'
import { makeRun, type FakeApi } from './fake-api'
import { flush, freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
  fake.runs = [makeRun({ id: 'r1', name: 'one' }), makeRun({ id: 'r2', name: 'two' })]
})

describe('CompareView', () => {
  it('shows the differing settings by their names in Chinese', async () => {
    try {
      const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
      await router.push('/compare')
      const Host = defineComponent({ render: () => h(NMessageProvider, () => h(CompareView)) })
      const w = mount(Host, { global: { plugins: [...(await plugins()), router], stubs: { CurveChart: true, ConfusionMatrix: true } }, attachTo: document.body })
      setLocale('zh-CN')
      useCompareStore().ids = ['r1', 'r2']
      await flush()
      await flush()
      expect(fake.calls.some((c) => c.name === 'runs.compare')).toBe(true)
      expect(w.text()).toContain('学习率')
      expect(w.text()).not.toContain('Learning rate')
      w.unmount()
    } finally {
      setLocale('en')
    }
  })
})
