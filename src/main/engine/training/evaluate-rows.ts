// Forward passes over encoded rows without training: class probabilities and losses.
import * as tf from '@tensorflow/tfjs-core'
import type { TextModel } from '../models/types'
import { evalBatches, padRows, type Row } from './batching'
import { languageModelLoss, maskedLmLoss } from './loss'
import { maskBatch } from './masking'
import { mixSeed } from '../rng'

/**
 * Class probabilities for every row (in input order) and the mean cross-entropy against `labels` (NaN without labels).
 * Table rows pass their scaled values too (see padRows).
 */
export async function classifyRows(model: TextModel, rows: Row[], labels: number[] | null, batchSize = 64, values?: Float32Array[]): Promise<{ probs: number[][]; loss: number }> {
  const probs: number[][] = new Array(rows.length)
  let lossSum = 0
  for (const idx of evalBatches(rows.map((r) => r.length), batchSize)) {
    const b = padRows(rows, idx, values)
    const p = tf.tidy(() => {
      const ids = tf.tensor2d(b.ids, [b.B, b.T], 'int32')
      const mask = tf.tensor2d(b.mask, [b.B, b.T])
      return tf.softmax(model.forward(ids, mask, { training: false }).logits) // [B, C]
    })
    const data = (await p.data()) as Float32Array
    const C = p.shape[1] as number
    p.dispose()
    idx.forEach((row, i) => {
      const pr = Array.from(data.subarray(i * C, (i + 1) * C))
      probs[row] = pr
      if (labels) lossSum += -Math.log(Math.max(pr[labels[row]], 1e-12))
    })
  }
  return { probs, loss: labels && rows.length ? lossSum / rows.length : NaN }
}

/** Mean next-token loss over all predicted tokens of the rows. */
export async function languageModelRowsLoss(model: TextModel, rows: Row[], batchSize = 64): Promise<number> {
  let sum = 0
  let count = 0
  for (const idx of evalBatches(rows.map((r) => r.length), batchSize)) {
    const b = padRows(rows, idx)
    if (b.T < 2) continue
    const targets = b.tokens - b.B // every row predicts all but its first token
    if (targets <= 0) continue
    const l = tf.tidy(() => {
      const ids = tf.tensor2d(b.ids, [b.B, b.T], 'int32')
      const mask = tf.tensor2d(b.mask, [b.B, b.T])
      return languageModelLoss(model.forward(ids, mask, { training: false }).logits, ids, mask)
    })
    sum += (await l.data())[0] * targets
    count += targets
    l.dispose()
  }
  return count ? sum / count : NaN
}

/** Mean masked-token loss over the rows, with masks drawn from `seed` (the same every call: comparable across epochs). */
export async function maskedLmRowsLoss(model: TextModel, rows: Row[], rate: number, seed: number, batchSize = 64): Promise<number> {
  let sum = 0
  let count = 0
  let k = 0
  for (const idx of evalBatches(rows.map((r) => r.length), batchSize)) {
    const b = padRows(rows, idx)
    const m = maskBatch(b, model.spec.dims.vocabSize, rate, mixSeed(seed, k++))
    if (!m.positions.length) continue
    const l = tf.tidy(() => {
      const ids = tf.tensor2d(m.ids, [b.B, b.T], 'int32')
      const mask = tf.tensor2d(b.mask, [b.B, b.T])
      const positions = tf.tensor1d(m.positions, 'int32')
      return maskedLmLoss(model.forward(ids, mask, { training: false, positions }).logits, tf.tensor1d(m.targets, 'int32'))
    })
    sum += (await l.data())[0] * m.positions.length
    count += m.positions.length
    l.dispose()
  }
  return count ? sum / count : NaN
}

/** Pooled body outputs [N, D] for every row (in input order): what a classifier head reads, computed once. */
export async function pooledFeatures(model: TextModel, rows: Row[], batchSize = 64): Promise<Float32Array[]> {
  const out: Float32Array[] = new Array(rows.length)
  for (const idx of evalBatches(rows.map((r) => r.length), batchSize)) {
    const b = padRows(rows, idx)
    const f = tf.tidy(() => {
      const ids = tf.tensor2d(b.ids, [b.B, b.T], 'int32')
      const mask = tf.tensor2d(b.mask, [b.B, b.T])
      return model.forward(ids, mask, { training: false, pooled: true }).logits // [B, D]
    })
    const data = (await f.data()) as Float32Array
    const D = f.shape[1] as number
    f.dispose()
    idx.forEach((row, i) => (out[row] = data.slice(i * D, (i + 1) * D)))
  }
  return out
}

/** Index of the largest value. */
export function argmax(xs: number[]): number {
  let best = 0
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i
  return best
}
