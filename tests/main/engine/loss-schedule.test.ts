// The training objectives and the learning-rate schedule against references written out in plain
// float64 JavaScript from their textbook definitions (not from the engine's own ops).
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine'
import { balancedClassWeights, classificationLoss, languageModelLoss } from '../../../src/main/engine/training/loss'
import { learningRate } from '../../../src/main/engine/training/schedule'

beforeAll(async () => {
  await initBackend(['cpu'])
})

/** A small deterministic generator so every case is reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function logSoftmaxRow(row: number[]): number[] {
  const m = Math.max(...row)
  const lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0))
  return row.map((x) => x - lse)
}

/** -sum_c q_c log p_c with q = (1 - s) onehot + s / C, averaged with weights w. */
function refClassification(logits: number[][], labels: number[], weights: number[] | null, s: number): number {
  const C = logits[0].length
  const per = logits.map((row, i) => {
    const lp = logSoftmaxRow(row)
    let l = 0
    for (let c = 0; c < C; c++) l -= ((c === labels[i] ? 1 - s : 0) + s / C) * lp[c]
    return l
  })
  if (!weights) return per.reduce((a, x) => a + x, 0) / per.length
  const num = per.reduce((a, x, i) => a + x * weights[i], 0)
  return num / weights.reduce((a, x) => a + x, 0)
}

describe('classification loss', () => {
  const rnd = lcg(7)
  const B = 6
  const C = 4
  // Logits of scale 3 so the classes are far from uniform and every term matters.
  const logits = Array.from({ length: B }, () => Array.from({ length: C }, () => (rnd() - 0.5) * 6))
  const labels = [0, 3, 1, 1, 2, 3]

  const loss = (w: number[] | null, s: number) =>
    tf.tidy(() =>
      classificationLoss(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'), w ? tf.tensor1d(w) : null, s).dataSync()[0],
    )

  it('equals the textbook cross-entropy without smoothing or weights', () => {
    expect(loss(null, 0)).toBeCloseTo(refClassification(logits, labels, null, 0), 5)
  })

  it('applies label smoothing as (1 - s) one-hot + s / C', () => {
    const plain = refClassification(logits, labels, null, 0)
    const smoothed = refClassification(logits, labels, null, 0.2)
    expect(Math.abs(plain - smoothed)).toBeGreaterThan(0.02) // the case can tell them apart
    expect(loss(null, 0.2)).toBeCloseTo(smoothed, 5)
  })

  it('weights each example and divides by the sum of the weights', () => {
    const w = [1, 3, 0.5, 0.5, 2, 0]
    const weighted = refClassification(logits, labels, w, 0.1)
    expect(Math.abs(weighted - refClassification(logits, labels, null, 0.1))).toBeGreaterThan(0.02)
    expect(loss(w, 0.1)).toBeCloseTo(weighted, 5)
  })

  it('balanced class weights are n / (C * count) and give an absent class weight 0', () => {
    const w = balancedClassWeights([0, 0, 0, 1, 2, 2], 4)
    expect(Array.from(w)).toEqual([6 / 12, 6 / 4, 6 / 8, 0].map((x) => Math.fround(x)))
    // Weighted this way every present class contributes the same total weight.
    const labels6 = [0, 0, 0, 1, 2, 2]
    const totals = [0, 1, 2].map((c) => labels6.filter((y) => y === c).length * w[c])
    expect(totals[0]).toBeCloseTo(totals[1], 6)
    expect(totals[1]).toBeCloseTo(totals[2], 6)
  })
})

describe('language-model loss', () => {
  it('is the mean next-token negative log-likelihood over real target tokens only', () => {
    const rnd = lcg(11)
    const B = 2
    const T = 5
    const V = 6
    const logits = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: V }, () => (rnd() - 0.5) * 6)))
    const ids = [
      [1, 4, 2, 5, 0],
      [3, 3, 1, 0, 0],
    ]
    const mask = [
      [1, 1, 1, 1, 0],
      [1, 1, 1, 0, 0],
    ]
    // Reference: position t predicts ids[t + 1]; only targets whose mask is 1 count.
    let sum = 0
    let n = 0
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T - 1; t++) {
        if (!mask[b][t + 1]) continue
        sum -= logSoftmaxRow(logits[b][t])[ids[b][t + 1]]
        n++
      }
    }
    expect(n).toBe(5)
    const got = tf.tidy(() => languageModelLoss(tf.tensor3d(logits), tf.tensor2d(ids, undefined, 'int32'), tf.tensor2d(mask)).dataSync()[0])
    expect(got).toBeCloseTo(sum / n, 5)
    // Changing a logit that predicts a padded target must not change the loss.
    const changed = logits.map((r) => r.map((c) => c.slice()))
    changed[1][3][2] += 5 // position 3 of row 1 predicts ids[1][4], which is padding
    const got2 = tf.tidy(() => languageModelLoss(tf.tensor3d(changed), tf.tensor2d(ids, undefined, 'int32'), tf.tensor2d(mask)).dataSync()[0])
    expect(got2).toBeCloseTo(got, 6)
  })
})

describe('learning-rate schedule', () => {
  const base = { learningRate: 1e-3, warmupRatio: 0.1 }
  const total = 100 // warmup = 10 steps

  it('warms up linearly from lr / warmup to lr over the first warmupRatio of steps', () => {
    const c = { ...base, schedule: 'cosine' as const }
    expect(learningRate(0, total, c)).toBeCloseTo(1e-4, 12)
    expect(learningRate(4, total, c)).toBeCloseTo(5e-4, 12)
    expect(learningRate(9, total, c)).toBeCloseTo(1e-3, 12)
  })

  it('cosine decays from lr at the end of warmup, through lr / 2 halfway, to 0 at the last step', () => {
    const c = { ...base, schedule: 'cosine' as const }
    expect(learningRate(10, total, c)).toBeCloseTo(1e-3, 12)
    expect(learningRate(55, total, c)).toBeCloseTo(5e-4, 12)
    expect(learningRate(100, total, c)).toBeCloseTo(0, 12)
    const at = (s: number) => 0.5e-3 * (1 + Math.cos((Math.PI * (s - 10)) / 90))
    for (const s of [20, 37, 80]) expect(learningRate(s, total, c)).toBeCloseTo(at(s), 12)
  })

  it('linear decays in a straight line and constant stays at lr after warmup', () => {
    const lin = { ...base, schedule: 'linear' as const }
    expect(learningRate(55, total, lin)).toBeCloseTo(5e-4, 12)
    expect(learningRate(82, total, lin)).toBeCloseTo(1e-3 * (1 - 72 / 90), 12)
    const flat = { ...base, schedule: 'constant' as const }
    expect(learningRate(3, total, flat)).toBeCloseTo(4e-4, 12)
    for (const s of [10, 50, 99]) expect(learningRate(s, total, flat)).toBe(1e-3)
  })

  it('without warmup the first step already uses the full rate', () => {
    expect(learningRate(0, total, { learningRate: 2e-3, warmupRatio: 0, schedule: 'cosine' })).toBeCloseTo(2e-3, 12)
  })
})
