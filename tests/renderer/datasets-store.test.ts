// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { useDatasetsStore, wizardReady } from '../../src/renderer/src/stores/datasets'
import { makeDataset, type FakeApi } from './fake-api'
import { freshApp } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})

const file = (name: string, text: string) => ({ name, arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer })

describe('datasets store: import wizard', () => {
  it('uploads a dropped file, inspects it and pre-fills the guessed columns', async () => {
    const store = useDatasetsStore()
    await store.chooseFile(file('movie reviews.csv', 'review,sentiment\ngood,pos\n'))
    const upload = fake.calls.find((c) => c.name === 'datasets.upload')!.input as { fileName: string; data: Uint8Array }
    expect(upload.fileName).toBe('movie reviews.csv')
    expect(new TextDecoder().decode(upload.data)).toBe('review,sentiment\ngood,pos\n')
    expect(store.wizard.step).toBe('columns')
    expect(store.wizard.name).toBe('movie reviews')
    expect(store.wizard.options.textColumns).toEqual(['review'])
    expect(store.wizard.options.labelColumn).toBe('sentiment')
  })

  it('starts on the suggested kind, and imports a table with the column roles as the user edited them', async () => {
    const store = useDatasetsStore()
    await store.chooseFile(file('points.csv', 'x'))
    expect(store.wizard.options.kind).toBe('text')
    expect(store.wizard.options.columnRoles).toEqual({ review: 'text', sentiment: 'label', id: 'id' })
    store.wizard.options.kind = 'table'
    expect(wizardReady(store.wizard.options)).toBe(false)
    store.wizard.options.columnRoles.review = 'categorical'
    expect(wizardReady(store.wizard.options)).toBe(true)
    await store.startImport()
    const input = fake.calls.find((c) => c.name === 'datasets.import')!.input as { options: Record<string, unknown> }
    expect(input.options.kind).toBe('table')
    expect(input.options.columnRoles).toEqual({ review: 'categorical', sentiment: 'label', id: 'id' })
    expect(input.options.textColumns).toBeUndefined()
  })

  it('follows the import job through progress to done and refreshes the list', async () => {
    const store = useDatasetsStore()
    await store.chooseFile(file('a.csv', 'x'))
    await store.startImport()
    expect(store.wizard.step).toBe('importing')
    const jobId = store.wizard.jobId!
    const importInput = fake.calls.find((c) => c.name === 'datasets.import')!.input as { options: { textColumns: string[]; labelColumn: string } }
    expect(importInput.options.textColumns).toEqual(['review'])
    fake.emit('dataset', { type: 'progress', jobId, rows: 50, bytes: 600, totalBytes: 1200, etaSec: 3 })
    expect(store.wizard.progress).toEqual({ rows: 50, bytes: 600, totalBytes: 1200, etaSec: 3 })
    fake.datasets = [makeDataset({ id: 'd9', name: 'a' })]
    fake.emit('dataset', { type: 'done', jobId, datasetId: 'd9' })
    expect(store.wizard.step).toBe('done')
    expect(store.wizard.datasetId).toBe('d9')
    await new Promise((r) => setTimeout(r, 0))
    expect(store.list.map((d) => d.id)).toEqual(['d9'])
  })

  it('returns to the column step with the plain-language reason when an import fails', async () => {
    const store = useDatasetsStore()
    await store.chooseFile(file('a.csv', 'x'))
    await store.startImport()
    fake.emit('dataset', { type: 'error', jobId: store.wizard.jobId!, message: 'Row 12 has an unterminated quote.' })
    expect(store.wizard.step).toBe('columns')
    expect(store.wizard.error).toBe('Row 12 has an unterminated quote.')
  })

  it('ignores events of other import jobs', async () => {
    const store = useDatasetsStore()
    await store.chooseFile(file('a.csv', 'x'))
    await store.startImport()
    fake.emit('dataset', { type: 'error', jobId: 'someone-else', message: 'nope' })
    expect(store.wizard.step).toBe('importing')
    expect(store.wizard.error).toBeNull()
  })

  it('keeps the error of a refused file in the wizard', async () => {
    fake.failWith('datasets.inspect', 'This file is not text: it looks like a ZIP archive.')
    const store = useDatasetsStore()
    await store.chooseFile(file('binary.csv', 'PK'))
    expect(store.wizard.step).toBe('source')
    expect(store.wizard.error).toBe('This file is not text: it looks like a ZIP archive.')
  })
})

describe('datasets store: doctor and fixes', () => {
  it('applies a fix and re-checks the dataset', async () => {
    fake.datasets = [makeDataset()]
    const store = useDatasetsStore()
    await store.refresh()
    await store.loadDoctor('d1')
    // The fake answers with the real doctor's report, so the ids here are the ones users get.
    const variants = store.doctor.d1.findings.find((f) => f.id === 'label-variants')!
    expect(variants.fixes.map((f) => f.id)).toEqual(['normalize-labels'])
    expect(await store.applyFixes('d1', ['normalize-labels'])).toBe(true)
    expect(fake.calls.find((c) => c.name === 'datasets.fix')!.input).toEqual({ id: 'd1', fixes: ['normalize-labels'] })
    expect(store.doctor.d1.findings.map((f) => f.id)).toContain('exact-duplicates')
    expect(store.stats.d1.labelCounts).toEqual({ neg: 60, pos: 60 })
  })

  it('shows a failed fix next to the doctor and changes nothing', async () => {
    fake.datasets = [makeDataset()]
    fake.failWith('datasets.fix', 'Unknown fix "x".')
    const store = useDatasetsStore()
    await store.refresh()
    expect(await store.applyFixes('d1', ['x'])).toBe(false)
    expect(store.actionError['d1:fix']).toBe('Unknown fix "x".')
    expect(fake.calls.some((c) => c.name === 'datasets.doctor')).toBe(false)
  })
})

describe('datasets store: a very fast import', () => {
  it('finishes even when the job is done before its id arrives', async () => {
    const store = useDatasetsStore()
    await store.chooseFile(file('tiny.csv', 'x'))
    // The services finish and announce it before the call's answer reaches the page.
    fake.after('datasets.import', (r) => fake.emit('dataset', { type: 'done', jobId: (r as { jobId: string }).jobId, datasetId: 'd5' }))
    await store.startImport()
    expect(store.wizard.step).toBe('done')
    expect(store.wizard.datasetId).toBe('d5')
  })
})

describe('image datasets in the store', () => {
  it('fetches thumbnails of the previewed rows of an image dataset, and none for texts; an image import is ready as guessed', async () => {
    fake.datasets = [makeDataset({ id: 'img', kind: 'image' }), makeDataset({ id: 'txt' })]
    const store = useDatasetsStore()
    await store.refresh()
    await store.loadPreview('img')
    expect(store.thumbnails.img).toEqual({ 0: 'data:image/png;base64,T0' })
    await store.loadPreview('txt')
    expect(store.thumbnails.txt).toBeUndefined()
    expect(fake.calls.filter((c) => c.name === 'datasets.thumbnails')).toHaveLength(1)
    expect(wizardReady({ format: 'folder', encoding: 'utf-8', textColumns: [], labelColumn: null, splitColumn: null, kind: 'image', columnRoles: {} })).toBe(true)
  })
})
