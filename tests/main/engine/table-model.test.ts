// The table encoder (FT-Transformer): one token per column plus [CLS], shapes and weight names, the
// shared cost model counting its weights, missing values and unseen categories having their own vectors,
// one training step lowering the loss, a synthetic table task learnt on held-out rows (it needs two
// numeric columns compared and a categorical interaction), and per-column attention for the explorer.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { buildModel, modelShapes } from '../../../src/main/engine/models'
import { columnAttention } from '../../../src/main/engine/models/table'
import { AdamW } from '../../../src/main/engine/training/adamw'
import { argmax } from '../../../src/main/engine/training/evaluate-rows'
import { makeTrainStep, type StepBatch } from '../../../src/main/engine/training/train-step'
import { ModelConfigSchema } from '../../../src/shared/config'
import { modelInfo, tableDims, type ModelSpec, type TableColumns } from '../../../src/shared/models'
import { Rng } from '../../../src/main/engine/rng'

beforeAll(async () => {
  await initBackend(['wasm'])
})

const columns: TableColumns = { numeric: ['a', 'b', 'noise'], categorical: [{ name: 'colour', size: 3 }] }

function tableSpec(dModel = 16, nLayers = 2): ModelSpec {
  const mc = ModelConfigSchema.parse({ dModel, nHeads: 2, nLayers, dropout: 0, attnDropout: 0 })
  return { dims: tableDims(mc, columns), head: 'classify', nClasses: 2, lora: null }
}

/** Rows of the synthetic task: label = (a > b) XOR (colour is the first value); noise and a few gaps. */
function syntheticRows(n: number, seed: number): { ids: Int32Array; values: Float32Array; labels: number[] } {
  const rng = new Rng(seed)
  const F = 4
  const ids = new Int32Array(n * F)
  const values = new Float32Array(n * F)
  const labels: number[] = []
  for (let r = 0; r < n; r++) {
    const a = rng.normal()
    const b = rng.normal()
    const colour = Math.floor(rng.next() * 3) // 0..2 -> ids 2..4
    values[r * F] = a
    values[r * F + 1] = b
    if (rng.next() < 0.1) ids[r * F + 2] = 1 // noise missing now and then
    else values[r * F + 2] = rng.normal()
    ids[r * F + 3] = colour + 2
    labels.push(Number(a > b) ^ Number(colour === 0))
  }
  return { ids, values, labels }
}

function batchOf(d: ReturnType<typeof syntheticRows>, idx: number[]): StepBatch {
  const F = 4
  const ids = new Int32Array(idx.length * F)
  const mask = new Float32Array(idx.length * F)
  idx.forEach((r, i) => {
    ids.set(d.ids.subarray(r * F, r * F + F), i * F)
    mask.set(d.values.subarray(r * F, r * F + F), i * F)
  })
  return { ids, mask, B: idx.length, T: F, labels: idx.map((r) => d.labels[r]!), rowWeights: null }
}

describe('table encoder', () => {
  it('makes one token per column plus [CLS], with hierarchically named weights the cost model counts exactly', () => {
    const spec = tableSpec()
    const names = modelShapes(spec).map(([n, shape]) => `${n}:${shape.join('x')}`)
    expect(names).toEqual(expect.arrayContaining(['embed/cls:1x16', 'embed/num/w:3x16', 'embed/num/b:3x16', 'embed/num/missing:3x16', 'embed/cat/tok:5x16', 'embed/cat/b:1x16', 'head/w:16x2']))
    const count = modelShapes(spec).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0)
    expect(modelInfo('table').cost.parameters(spec)).toBe(count)
    const model = buildModel(spec, 1)
    const d = syntheticRows(5, 1)
    const b = batchOf(d, [0, 1, 2, 3, 4])
    const out = model.forward(tf.tensor2d(b.ids, [5, 4], 'int32'), tf.tensor2d(b.mask, [5, 4]), { training: false, returnAttention: true })
    expect(out.logits.shape).toEqual([5, 2])
    expect(out.attention.map((a) => a.shape)).toEqual([[5, 2, 5, 5], [5, 2, 5, 5]])
    const cols = columnAttention(out.attention)
    expect(cols.shape).toEqual([5, 4])
    // [CLS]'s weights over the four columns plus its own weight sum to 1.
    const self = tf.slice(out.attention[1]!, [0, 0, 0, 0], [5, 2, 1, 1]).mean(1).reshape([5])
    const total = tf.add(tf.sum(cols, 1), self).dataSync()
    for (const v of total) expect(v).toBeCloseTo(1, 4)
    expect(() => model.forward(tf.zeros([5, 3], 'int32'), tf.zeros([5, 3]), { training: false })).toThrow(/reads 4 columns, but the rows have 3/)
    for (const v of model.params.values()) v.dispose()
  })

  it('gives a missing numeric value its own learned vector, and a missing or unseen category its own rows', () => {
    const model = buildModel(tableSpec(), 2)
    const logits = (ids: number[], values: number[]) => model.forward(tf.tensor2d([ids], [1, 4], 'int32'), tf.tensor2d([values], [1, 4]), { training: false }).logits.dataSync()
    const base = logits([0, 0, 0, 2], [0.5, -0.2, 0, 0])
    const differs = (x: Float32Array | Int32Array | Uint8Array) => Math.max(...Array.from(x, (v, i) => Math.abs(v - base[i]!)))
    // Missing "noise" (id 1) differs from a present 0; its value is then ignored.
    const missing = logits([0, 0, 1, 2], [0.5, -0.2, 0, 0])
    expect(differs(missing)).toBeGreaterThan(1e-6)
    expect(Array.from(logits([0, 0, 1, 2], [0.5, -0.2, 123, 0]))).toEqual(Array.from(missing))
    expect(differs(logits([0, 0, 0, 1], [0.5, -0.2, 0, 0]))).toBeGreaterThan(1e-6) // "other"
    expect(differs(logits([0, 0, 0, 0], [0.5, -0.2, 0, 0]))).toBeGreaterThan(1e-6) // missing category
    for (const v of model.params.values()) v.dispose()
  })

  it('one training step lowers the loss on its batch and moves every column weight', async () => {
    const model = buildModel(tableSpec(), 3)
    const names = [...model.params.keys()]
    const opt = new AdamW(model.params, names, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 })
    const step = makeTrainStep({ model, objective: 'classify', trainable: names, opt, gradClip: 1, labelSmoothing: 0, lrScale: () => 1, decay: () => false })
    const d = syntheticRows(32, 4)
    const batch = batchOf(d, [...Array(32).keys()])
    const before = new Map(['embed/num/w', 'embed/num/missing', 'embed/cat/tok', 'embed/cls'].map((n) => [n, model.params.get(n)!.dataSync().slice()]))
    const l0 = step(batch, 1e-2, 1)
    const first = (await l0.data())[0]!
    l0.dispose()
    for (let i = 0; i < 4; i++) step(batch, 1e-2, 1).dispose()
    const l1 = step(batch, 1e-2, 1)
    expect((await l1.data())[0]!).toBeLessThan(first)
    l1.dispose()
    for (const [n, v] of before) expect(Array.from(model.params.get(n)!.dataSync())).not.toEqual(Array.from(v))
    opt.dispose()
    for (const v of model.params.values()) v.dispose()
  })

  it('learns "a > b, flipped when the colour is the first value" on held-out rows', () => {
    const model = buildModel(tableSpec(32, 2), 5)
    const names = [...model.params.keys()]
    const opt = new AdamW(model.params, names, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 })
    const step = makeTrainStep({ model, objective: 'classify', trainable: names, opt, gradClip: 1, labelSmoothing: 0, lrScale: () => 1, decay: () => false })
    const train = syntheticRows(1000, 11)
    const heldOut = syntheticRows(400, 12)
    const rng = new Rng(13)
    const before = tf.memory().numTensors
    for (let epoch = 0; epoch < 12; epoch++) {
      const order = [...Array(1000).keys()]
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1))
        ;[order[i], order[j]] = [order[j]!, order[i]!]
      }
      for (let s = 0; s < 1000; s += 50) step(batchOf(train, order.slice(s, s + 50)), 3e-3, epoch * 100 + s).dispose()
    }
    expect(tf.memory().numTensors).toBe(before)
    const b = batchOf(heldOut, [...Array(400).keys()])
    const probs = tf.tidy(() => model.forward(tf.tensor2d(b.ids, [400, 4], 'int32'), tf.tensor2d(b.mask, [400, 4]), { training: false }).logits.arraySync() as number[][])
    const accuracy = probs.filter((p, i) => argmax(p) === heldOut.labels[i]).length / 400
    console.log(`table encoder, synthetic a>b XOR colour task: held-out accuracy ${(accuracy * 100).toFixed(1)}%`)
    expect(accuracy).toBeGreaterThan(0.9)
    for (const v of model.params.values()) v.dispose()
  })
})
