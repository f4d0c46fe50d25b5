// @vitest-environment happy-dom
// The bases store: lists bases, imports a folder through the api with live progress, keeps an import's
// refusal, keeps a refused deletion beside its base; the train store starts from a base in a chosen mode.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Base } from '../../src/shared/domain'
import { useBasesStore } from '../../src/renderer/src/stores/bases'
import { useTrainStore } from '../../src/renderer/src/stores/train'
import type { FakeApi } from './fake-api'
import { freshApp } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

const base: Base = {
  id: 'base_1', name: 'tiny bert', createdAt: '2026-01-01T00:00:00.000Z', family: 'bert', source: 'import', sourcePath: '/models/tiny', runId: null,
  params: 9000, vocabSize: 168, maxLength: 40, dModel: 16, nLayers: 2, nHeads: 4, languages: ['en'], license: 'apache-2.0', runsUsing: 1,
}

describe('bases store', () => {
  it('imports a folder through the api with live progress, and keeps a refusal', async () => {
    const store = useBasesStore()
    await store.refresh()
    expect(store.loaded).toBe(true)
    expect(store.list).toEqual([])
    const before = fake.calls.length
    const pending = store.importFolder('  /models/tiny ', 'tiny bert')
    expect(store.importing).toEqual({ path: '/models/tiny', done: 0, total: 0 })
    fake.emit('base', { type: 'progress', path: '/models/tiny', done: 3, total: 7 })
    fake.emit('base', { type: 'progress', path: '/elsewhere', done: 1, total: 1 }) // another import: ignored
    expect(store.importing).toEqual({ path: '/models/tiny', done: 3, total: 7 })
    // A second import while one runs is not sent.
    expect(await store.importFolder('/models/other')).toBe(false)
    const ok = await pending
    expect(fake.calls.slice(before).filter((c) => c.name === 'bases.import').map((c) => c.input)).toEqual([{ source: { kind: 'path', path: '/models/tiny' }, name: 'tiny bert' }])
    // The fake refuses (nothing at that path): the sentence is kept, the list unchanged, the form free again.
    expect(ok).toBe(false)
    expect(store.importError).toMatch(/Nothing to import at \/models\/tiny/)
    expect(store.importing).toBeNull()
    expect(store.list).toEqual([])
  })

  it('keeps a refused deletion beside the base it concerns', async () => {
    const store = useBasesStore()
    fake.after('bases.list', (r) => (r as Base[]).push(base))
    await store.refresh()
    expect(store.list.map((b) => b.id)).toEqual(['base_1'])
    fake.failWith('bases.delete', 'Base "tiny bert" cannot be deleted: 1 run started from it. Delete those runs first.', 'conflict')
    await store.remove('base_1')
    expect(store.deleteError.base_1).toMatch(/cannot be deleted: 1 run/)
    expect(store.list.map((b) => b.id)).toEqual(['base_1'])
  })
})

describe('train store: start from a base', () => {
  it('a base replaces an earlier run as the start, makes the task classification, and the mode is set', () => {
    const train = useTrainStore()
    train.setTask('pretrain')
    train.setFinetuneFrom('run_a')
    expect(train.config.finetune.fromRunId).toBe('run_a')
    train.setBase('base_1')
    expect(train.config.task).toBe('classify')
    expect(train.config.finetune).toMatchObject({ baseId: 'base_1', fromRunId: null, mode: 'full' })
    train.setFinetuneMode('frozen')
    expect(train.config.finetune.mode).toBe('frozen')
    train.setFinetuneFrom('run_b')
    expect(train.config.finetune).toMatchObject({ baseId: null, fromRunId: 'run_b' })
    expect(train.input().config).toMatchObject({ finetune: { fromRunId: 'run_b', baseId: null, mode: 'frozen' } })
  })

  it('pretraining keeps the encoder (masked-language model) instead of switching to the decoder', () => {
    const train = useTrainStore()
    train.set('model.arch', 'encoder')
    train.setTask('pretrain')
    expect(train.config.model.arch).toBe('encoder')
    train.set('model.arch', 'bag')
    train.setTask('pretrain')
    expect(train.config.model.arch).toBe('encoder')
  })
})
