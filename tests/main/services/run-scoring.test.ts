// One definition of a run's score: the test split is the reported score everywhere, validation
// figures sit beside it as such, and another dataset is scored on every labelled row.
import { afterEach, describe, expect, it } from 'vitest'
import type { JobData } from '../../../src/shared/trainer-protocol'
import { createRunsRepo } from '../../../src/main/store/runs-repo'
import { allLabelledRows } from '../../../src/main/services/run-scoring'
import { createFakeSpawner } from './runs-fake-trainer'
import { makeEnv, tinyConfig, twoClassData } from './runs-fixtures'

const envs: { cleanup(): Promise<void> }[] = []
afterEach(async () => {
  while (envs.length) await envs.pop()!.cleanup()
})

const texts = (n: number, off: number) => Array.from({ length: n }, (_, i) => `${i % 2 ? 'good' : 'bad'} text ${off + i}`)
const range = (n: number, off: number) => Array.from({ length: n }, (_, i) => off + i)

/** twoClassData plus a test split of 10 rows (indices 200..209). */
function withTest(): JobData {
  const d = twoClassData()
  return { ...d, test: { texts: texts(10, 200), labels: range(10, 0).map((i) => i % 2), indices: range(10, 200) } }
}

describe('allLabelledRows', () => {
  it('takes every stored row once, renumbers labels to the model and counts labels it does not know', () => {
    const other = {
      labels: ['maybe', 'neg', 'pos'],
      // 4 stored training rows, then 2 oversampled copies that must not be scored twice.
      train: { texts: ['t0', 't1', 't2', 't3', 't0', 't1'], labels: [1, 2, 0, 2, 1, 2], indices: [0, 1, 2, 3] },
      validation: { texts: ['v4', 'v5'], labels: [2, 1], indices: [4, 5] },
      test: { texts: ['s6'], labels: [0], indices: [6] },
    }
    const { rows, unknownLabel } = allLabelledRows(other, ['neg', 'pos'])
    expect(unknownLabel).toBe(2) // t2 and s6 are "maybe"
    expect(rows.indices).toEqual([0, 1, 3, 4, 5])
    expect(rows.texts).toEqual(['t0', 't1', 't3', 'v4', 'v5'])
    expect(rows.labels).toEqual([0, 1, 1, 1, 0])
  })
})

describe('runs service: the reported score', () => {
  it('is the test split, with the kept epoch and its validation figures beside it, and evaluate repeats it exactly', async () => {
    const fake = createFakeSpawner()
    const e = makeEnv(fake.spawn, {}, { ds1_v1: withTest() })
    envs.push(e)
    const run = await e.service.waitFor((await e.service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    expect(run.status).toBe('completed')
    // lr 0.001 -> the fake gets rows whose index is a multiple of 10 wrong: one in ten.
    expect(run.metrics).toMatchObject({ split: 'test', rows: 10, accuracy: 0.9 })
    expect(run.metrics?.validation).toMatchObject({ rows: 10, accuracy: 0.9 })
    expect(run.metrics?.kept).toMatchObject({ epoch: 2, epochs: 2, stoppedEarly: false, by: 'macroF1' })
    // The stored predictions are the test rows the score came from.
    const preds = createRunsRepo(e.db).predictions(run.id)
    expect(preds.map((p) => p.index)).toEqual(range(10, 200))
    // Evaluating on its own dataset gives the same figures, from the same rows.
    const ev = await e.service.evaluate({ id: run.id })
    expect(ev.split).toBe('test')
    expect(ev.rows).toBe(10)
    expect(ev.metrics.accuracy).toBe(run.metrics!.accuracy)
    expect(ev.metrics.macroF1).toBe(run.metrics!.macroF1)
    expect(ev.predictions.map((p) => p.index)).toEqual(range(10, 200))
    // The list shows the same score.
    expect((await e.service.list()).find((r) => r.id === run.id)?.metrics?.accuracy).toBe(run.metrics!.accuracy)
  })

  it('reports the validation rows, labelled as such, when the dataset has no test split', async () => {
    const e = makeEnv(createFakeSpawner().spawn)
    envs.push(e)
    const run = await e.service.waitFor((await e.service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    expect(run.metrics).toMatchObject({ split: 'validation', rows: 10 })
  })

  it('scores every labelled row of another dataset and says how many', async () => {
    const other: JobData = {
      labels: ['neg', 'pos', 'unsure'],
      train: { texts: texts(20, 0), labels: range(20, 0).map((i) => (i === 3 ? 2 : i % 2)), ...{ indices: range(20, 0) } } as JobData['train'],
      validation: { texts: texts(5, 100), labels: range(5, 0).map((i) => i % 2), indices: range(5, 100) },
      test: { texts: texts(5, 200), labels: range(5, 0).map((i) => i % 2), indices: range(5, 200) },
    }
    const e = makeEnv(createFakeSpawner().spawn, {}, { ds1_v1: withTest(), ds3_v1: other })
    envs.push(e)
    const run = await e.service.waitFor((await e.service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
    const ev = await e.service.evaluate({ id: run.id, datasetId: 'ds3' })
    expect(ev.split).toBe('all')
    expect(ev.rows).toBe(29) // 20 + 5 + 5 labelled rows, one with a label the model does not know
    expect(ev.unknownLabel).toBe(1)
    expect(ev.metrics.rows).toBe(29)
    expect(ev.predictions).toHaveLength(29)
    expect(ev.predictions.map((p) => p.index)).not.toContain(3)
  })
})
