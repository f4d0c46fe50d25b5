// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import App from '../../src/renderer/src/App.vue'
import DoctorReport from '../../src/renderer/src/components/DoctorReport.vue'
import HyperparamForm from '../../src/renderer/src/components/HyperparamForm.vue'
import StatusBar from '../../src/renderer/src/components/StatusBar.vue'
import TokenHighlight from '../../src/renderer/src/components/TokenHighlight.vue'
import TryIt from '../../src/renderer/src/components/TryIt.vue'
import { resolveConfig } from '../../src/shared/config'
import { useAppStore } from '../../src/renderer/src/stores/app'
import type { FakeApi } from './fake-api'
import { flush, freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

const RouterLinkStub = { props: ['to'], template: '<a :href="String(to)"><slot /></a>' }

async function appPlugins() {
  const { createMemoryHistory, createRouter } = await import('vue-router')
  const { routes } = await import('../../src/renderer/src/router')
  const router = createRouter({ history: createMemoryHistory(), routes: routes.map((r) => ({ ...r, component: { template: '<div />' } })) as never })
  await router.push('/')
  return [...(await plugins()), router]
}

describe('StatusBar', () => {
  it('shows the compute backend and switches language without a reload', async () => {
    const wrapper = mount(StatusBar, { global: { plugins: await plugins(), stubs: { RouterLink: RouterLinkStub } } })
    const app = useAppStore()
    await app.load()
    await nextTick()
    expect(wrapper.get('[data-testid="backend"]').text()).toBe('Backend: WebAssembly, fast (SIMD), 1 thread(s)')
    app.switchLocale('zh-CN')
    await nextTick()
    // The backend is described in the UI language too; the services' English is its tooltip.
    expect(wrapper.get('[data-testid="backend"]').text()).toBe('计算后端: WebAssembly，快速（SIMD），1 个线程')
    expect(wrapper.get('[data-testid="backend"] strong').attributes('title')).toBe('WebAssembly (SIMD, 1 thread)')
    expect(document.documentElement.lang).toBe('zh-CN')
  })

  it('says the backend is still being detected before a trainer has reported', async () => {
    fake.info.backend = null
    const wrapper = mount(StatusBar, { global: { plugins: await plugins(), stubs: { RouterLink: RouterLinkStub } } })
    await useAppStore().load()
    await nextTick()
    expect(wrapper.get('[data-testid="backend"]').text()).toBe('Backend: detecting…')
  })
})

describe('StatusBar support actions', () => {
  it('copies the diagnostics to the clipboard and says where the logs are when no file manager opens', async () => {
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const wrapper = mount(StatusBar, { global: { plugins: await plugins(), stubs: { RouterLink: RouterLinkStub } } })
    await useAppStore().load()
    await wrapper.get('[data-testid="copy-diagnostics"]').trigger('click')
    await flush()
    expect(fake.calls.map((c) => c.name)).toContain('app.diagnostics')
    expect(writeText).toHaveBeenCalledWith('Attention Workbench 0.1.0 (web)\n')
    expect(wrapper.get('[data-testid="support-note"]').text()).toMatch(/^Diagnostics copied/)
    await wrapper.get('[data-testid="open-logs"]').trigger('click')
    await flush()
    expect(wrapper.get('[data-testid="support-note"]').text()).toBe('Logs are in /data/logs')
    useAppStore().switchLocale('zh-CN')
    await nextTick()
    expect(wrapper.get('[data-testid="copy-diagnostics"]').text()).toBe('复制诊断信息')
  })
})

describe('HyperparamForm', () => {
  it('shows a cross-field problem under its field and limits under the others', async () => {
    const config = resolveConfig('quick')
    config.model.nHeads = 5
    const wrapper = mount(HyperparamForm, {
      props: { config, group: 'model', issues: { 'model.nHeads': 'The model width (dModel = 64) must be divisible by the number of heads (5).' } },
      global: { plugins: await plugins() },
    })
    expect(wrapper.get('[data-field="model.nHeads"]').text()).toContain('must be divisible')
    expect(wrapper.get('[data-field="model.dModel"]').text()).toContain('Between 8 and 1024')
  })

  it('flags an out-of-range number itself and sends edits up by path', async () => {
    const config = resolveConfig('quick')
    config.model.nLayers = 99
    const wrapper = mount(HyperparamForm, { props: { config, group: 'model', issues: {} }, global: { plugins: await plugins() } })
    expect(wrapper.get('[data-field="model.nLayers"]').text()).toContain('Layers must be between 1 and 24')
    const input = wrapper.get('[data-field="model.dModel"] input')
    await input.setValue('96')
    await input.trigger('blur')
    const sets = wrapper.emitted('set') ?? []
    expect(sets.some(([path, v]) => path === 'model.dModel' && v === 96)).toBe(true)
  })
})

describe('HyperparamForm typing', () => {
  it('keeps letters typed into a number field and reports them beside it, naming the field and its limits', async () => {
    const config = resolveConfig('quick')
    const wrapper = mount(HyperparamForm, { props: { config, group: 'train', issues: {}, badText: {} }, global: { plugins: await plugins() } })
    const input = wrapper.get('[data-field="train.epochs"] input')
    await input.setValue('abc')
    // The text is reported up (the store keeps it) and nothing is set.
    expect(wrapper.emitted('badText')?.at(-1)).toEqual(['train.epochs', 'abc'])
    expect((wrapper.emitted('set') ?? []).some(([path]) => path === 'train.epochs')).toBe(false)
    await wrapper.setProps({ badText: { 'train.epochs': 'abc' } })
    expect((wrapper.get('[data-field="train.epochs"] input').element as HTMLInputElement).value).toBe('abc')
    expect(wrapper.get('[data-field="train.epochs"]').text()).toContain('Epochs: "abc" is not a number. Enter a number between 1 and 500.')
    // A number clears it and is sent up.
    await wrapper.get('[data-field="train.epochs"] input').setValue('7')
    expect(wrapper.emitted('badText')?.at(-1)).toEqual(['train.epochs', null])
    expect(wrapper.emitted('set')?.at(-1)).toEqual(['train.epochs', 7])
  })

  it('shows the preset\'s value beside the limits, not the schema default', async () => {
    const config = resolveConfig('quick')
    const wrapper = mount(HyperparamForm, { props: { config, group: 'model', issues: {}, presetConfig: config }, global: { plugins: await plugins() } })
    expect(wrapper.get('[data-field="model.seqLen"]').text()).toContain('this preset uses 64')
  })
})

describe('DoctorReport', () => {
  it('lists blocking findings first and emits the chosen fix', async () => {
    const report = {
      datasetId: 'd1',
      versionId: 'v1',
      ok: false,
      findings: [
        { id: 'exact-duplicates', severity: 'info' as const, title: 'Exact duplicates', detail: '2 rows repeat.', count: 2, examples: [], fixes: [{ id: 'dedupe-exact', label: 'Remove duplicates' }] },
        { id: 'single-class', severity: 'blocking' as const, title: 'Only one label', detail: 'Needs two.', count: 1, examples: [], fixes: [] },
      ],
    }
    const wrapper = mount(DoctorReport, { props: { report }, global: { plugins: await plugins() } })
    const titles = wrapper.findAll('[data-finding]').map((w) => w.attributes('data-finding'))
    expect(titles).toEqual(['single-class', 'exact-duplicates'])
    expect(wrapper.text()).toContain('Training is blocked')
    await wrapper.get('[data-fix="dedupe-exact"]').trigger('click')
    expect(wrapper.emitted('fix')).toEqual([[['dedupe-exact']]])
  })
})

describe('TryIt', () => {
  it('classifies typed text after a pause and shows probabilities and the attended tokens without special ones', async () => {
    vi.useFakeTimers()
    try {
      const wrapper = mount(TryIt, { props: { runId: 'r1' }, global: { plugins: await plugins() } })
      await wrapper.get('textarea').setValue('a bad movie')
      expect(fake.calls.filter((c) => c.name === 'runs.predict')).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(400)
      for (let i = 0; i < 5; i++) await nextTick()
      expect(fake.calls.filter((c) => c.name === 'runs.predict')).toHaveLength(1)
      const answer = wrapper.get('[data-testid="try-answer"]')
      expect(answer.text()).toContain('neg')
      expect(answer.text()).toContain('90.0%')
      expect(wrapper.findAll('.tok').map((w) => w.text())).toEqual(['a', 'bad', 'movie'])
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('TokenHighlight', () => {
  const alphas = (w: ReturnType<typeof mount>) => w.findAll('.tok').map((t) => Number(/rgba\([^)]*,\s*([\d.]+)\)/.exec(t.attributes('style') ?? '')?.[1]))

  it('shades the most attended word darkest, ignoring the special token', async () => {
    const w = mount(TokenHighlight, { props: { tokens: ['[CLS]', 'not', 'good', 'at', 'all'], weights: [0.6, 0.05, 0.25, 0.04, 0.06] }, global: { plugins: await plugins() } })
    const a = alphas(w)
    expect(Math.max(...a.slice(1))).toBe(a[2])
    expect(a[2]).toBeGreaterThan(a[1])
  })

  it('keeps nearly uniform attention faint instead of highlighting everything', async () => {
    const w = mount(TokenHighlight, { props: { tokens: ['a', 'b', 'c'], weights: [0.333, 0.334, 0.333] }, global: { plugins: await plugins() } })
    for (const a of alphas(w)) expect(a).toBeLessThan(0.2)
  })

  it('names the summary marker in words and shows an unknown piece as the user wrote it, marked unknown', async () => {
    const w = mount(TokenHighlight, { props: { tokens: ['[CLS]', 'good', '[UNK]'], weights: [0.5, 0.3, 0.2], text: 'Good Zyxq' }, global: { plugins: await plugins() } })
    expect(w.findAll('.tok').map((x) => x.text())).toEqual(['summary', 'good', 'Zyxq'])
    expect(w.text()).not.toContain('[UNK]')
    expect(w.get('.tok.unknown').attributes('title')).toContain('"Zyxq" is unknown to the model')
    expect(w.get('.tok.special').attributes('title')).toContain('Not part of your text')
  })
})

describe('App', () => {
  it('shows the sign-in help instead of the app when the server answers 401', async () => {
    fake.failWith('app.info', 'Missing or invalid token.', 'unauthorized')
    const wrapper = mount(App, { global: { plugins: await appPlugins() } })
    await flush()
    expect(wrapper.text()).toContain('This browser is not signed in')
    expect(wrapper.text()).toContain('Open the link printed in the terminal')
    expect(wrapper.find('nav').exists()).toBe(false)
  })

  it('shows navigation to every section when signed in', async () => {
    const wrapper = mount(App, { global: { plugins: await appPlugins() } })
    await flush()
    const nav = wrapper.findAll('[data-nav]').map((w) => w.attributes('data-nav'))
    expect(nav).toEqual(['home', 'datasets', 'bases', 'train', 'runs', 'compare', 'export'])
  })
})
