// Training the table encoder from a table's string cells through the shared training loop: the columns
// are guessed (the id column left out), the prep is fitted on training rows, and held-out test rows of a
// task that needs two numeric columns compared and a categorical interaction are classified right.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { Rng } from '../../../src/main/engine/rng'
import { predictTableRows } from '../../../src/main/engine/predict-table'
import { trainTable } from '../../../src/main/engine/train-table'
import { resolveConfig } from '../../../src/shared/config'

beforeAll(async () => {
  await initBackend(['wasm'])
})

/** label = yes when (a > b) XOR colour is red; a has a wide scale and outliers, b some gaps. */
function rows(n: number, seed: number, start: number): Record<string, string>[] {
  const rng = new Rng(seed)
  const colours = ['red', 'green', 'blue']
  return Array.from({ length: n }, (_, i) => {
    const a = rng.normal()
    const b = rng.normal()
    const colour = colours[Math.floor(rng.next() * 3)]!
    const outlier = rng.next() < 0.02 ? 1e6 * Math.sign(a) : 0
    return {
      id: `row-${start + i}`,
      a: String(1000 * a + 50 + outlier),
      b: rng.next() < 0.05 && (a > b) !== (colour === 'red') ? '' : String(1000 * b + 50),
      colour,
      label: (a > b) !== (colour === 'red') ? 'yes' : 'no',
    }
  })
}

const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }

describe('training a table', () => {
  it('guesses the columns, leaves the id out, and reaches >= 90% on held-out test rows', async () => {
    const columns = ['id', 'a', 'b', 'colour', 'label']
    const config = resolveConfig(null, {
      model: { dModel: 32, nHeads: 2, nLayers: 2, dropout: 0, attnDropout: 0 },
      train: { epochs: 14, batchSize: 50, learningRate: 3e-3, patience: 0, warmupRatio: 0.05, seed: 3 },
    })
    const logs: string[] = []
    const before = tf.memory().numTensors
    const result = await trainTable({ columns, train: rows(1000, 1, 0), validation: rows(200, 2, 1000), test: rows(400, 3, 1200) }, config, { ...quiet, onLog: (_l, m) => logs.push(m) }, new AbortController().signal)
    expect(result.guesses.map((g) => g.kind)).toEqual(['id', 'numeric', 'numeric', 'categorical', 'label'])
    expect(logs.some((m) => m.startsWith('Column "id": id.'))).toBe(true)
    expect(result.model.spec.dims.table).toEqual({ numeric: ['a', 'b'], categorical: [{ name: 'colour', size: 3 }] })
    expect(result.prep.labels).toEqual(['no', 'yes'])
    console.log(`table training from string cells: test accuracy ${(result.testAccuracy * 100).toFixed(1)}%, validation macro-F1 ${result.validation?.macroF1.toFixed(3)}`)
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9)
    // Predicting the test rows again gives the same accuracy, with [CLS]'s attention on every column.
    const test = rows(400, 3, 1200)
    const pred = predictTableRows(result.model, result.prep, test, { attention: true, batchSize: 64 })
    expect(pred.columns).toEqual(['a', 'b', 'colour'])
    expect(pred.probs.filter((p, i) => pred.labels[p.indexOf(Math.max(...p))] === test[i]!.label).length / 400).toBeCloseTo(result.testAccuracy, 6)
    expect(pred.attention!.length).toBe(400)
    for (const row of pred.attention!) {
      expect(row.length).toBe(3)
      expect(row.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-5)
    }
    expect(pred.meanAttention![0]).toBeCloseTo(pred.attention!.reduce((n, r) => n + r[0]!, 0) / 400, 5)
    console.log(`mean [CLS] attention per column: ${pred.columns.map((c, j) => `${c} ${pred.meanAttention![j]!.toFixed(3)}`).join(', ')}`)
    for (const v of result.model.params.values()) v.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('refuses a table whose training rows have a single label, in a sentence', async () => {
    const one = rows(50, 4, 0).map((r) => ({ ...r, label: 'yes' }))
    await expect(trainTable({ columns: ['id', 'a', 'b', 'colour', 'label'], train: one, validation: [], test: [] }, resolveConfig(null), quiet, new AbortController().signal)).rejects.toThrow(/at least two different values/)
  })
})
