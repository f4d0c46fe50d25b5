// @vitest-environment happy-dom
// The image explorer: an answer with attention maps shows the prediction, the rollout and one thumbnail per
// layer and head (choosing one shows it), in both UI languages; the image goes out as a data URL through the
// same predict call as a text.
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import ImageExplorer from '../../src/renderer/src/components/ImageExplorer.vue'
import { setLocale } from '../../src/renderer/src/i18n'
import { useImageExplorerStore } from '../../src/renderer/src/stores/image-explorer'
import type { Prediction } from '../../src/shared/domain'
import type { FakeApi } from './fake-api'
import { freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})
afterEach(() => setLocale('en'))

const grid = (k: number) => Array.from({ length: 4 }, (_, n) => (n === k ? 0.7 : 0.1))
const maps = { grid: 2, rollout: grid(0), heads: [[grid(1), grid(2)], [grid(3), grid(0)]] }

describe('image attention explorer', () => {
  it('sends the image as a data URL and shows the answer with the rollout and a thumbnail per layer and head', async () => {
    fake.after('runs.predict', (r) => Object.assign(r as Prediction, { image: maps }))
    const w = mount(ImageExplorer, { props: { runId: 'r1' }, global: { plugins: await plugins() } })
    const store = useImageExplorerStore()
    await store.predictImage('r1', 'data:image/jpeg;base64,AAAA')
    await flushPromises()
    const sent = fake.calls.find((c) => c.name === 'runs.predict')!.input as { id: string; text: string; attention: boolean }
    expect(sent).toEqual({ id: 'r1', text: 'data:image/jpeg;base64,AAAA', attention: true })
    expect(w.get('[data-testid="image-answer"]').text()).toContain('pos')
    const thumbs = w.findAll('button.thumb')
    expect(thumbs.map((b) => b.text())).toEqual(['Rollout', 'Layer 1, head 1', 'Layer 1, head 2', 'Layer 2, head 1', 'Layer 2, head 2'])
    expect(w.get('[data-testid="image-map"]').attributes('aria-label')).toBe('Rollout')
    await thumbs[3]!.trigger('click')
    expect(w.get('[data-testid="image-map"]').attributes('aria-label')).toBe('Layer 2, head 1')
    expect(w.text()).toContain('2 x 2 patches')
    setLocale('zh-CN')
    await flushPromises()
    expect(w.findAll('button.thumb').map((b) => b.text())[2]).toBe('第 1 层，第 2 个头')
  })
})
