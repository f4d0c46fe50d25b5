// Attention layers against a plain loop implementation, their masks, the efficient variants where
// they must agree with full attention, and a numerical gradient check of a whole block.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { multiHeadAttention } from '../../../src/main/engine/models/multi-head-attention'
import { transformerBlock } from '../../../src/main/engine/models/block'
import { linearAttention } from '../../../src/main/engine/models/linear-attention'
import { buildMasks } from '../../../src/main/engine/models/masks'
import { resolveDims } from '../../../src/main/engine/models'
import type { ForwardContext, ModelDims } from '../../../src/main/engine/models/types'
import type { Params } from '../../../src/main/engine/params'
import { Rng } from '../../../src/main/engine/rng'
import { ModelConfigSchema, type ModelConfig } from '../../../src/shared/config'

const B = 2
const T = 6
const pad = [
  [1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 0, 0],
]

function dimsFor(over: Partial<ModelConfig>): ModelDims {
  return resolveDims(ModelConfigSchema.parse({ dModel: 8, nHeads: 4, nLayers: 1, seqLen: 8, dropout: 0, attnDropout: 0, ...over }), 10)
}

function randomArray(rng: Rng, n: number, std: number): number[] {
  return Array.from({ length: n }, () => rng.normal() * std)
}

/** Attention weights with large enough values that the attention pattern is far from uniform. */
function attentionParams(dims: ModelDims, seed: number): { params: Params; raw: Record<string, number[]> } {
  const rng = new Rng(seed)
  const { dModel: D, nHeads: H, nKvHeads: Hkv, headDim: Dh } = dims
  const qkvOut = (H + 2 * Hkv) * Dh
  const raw: Record<string, number[]> = {
    'a/qkv': randomArray(rng, D * qkvOut, 0.7),
    'a/qkv_b': randomArray(rng, qkvOut, 0.1),
    'a/out': randomArray(rng, D * D, 0.5),
    'a/out_b': randomArray(rng, D, 0.1),
  }
  const shapes: Record<string, number[]> = { 'a/qkv': [D, qkvOut], 'a/qkv_b': [qkvOut], 'a/out': [D, D], 'a/out_b': [D] }
  const params: Params = new Map()
  for (const [k, v] of Object.entries(raw)) params.set(k, tf.variable(tf.tensor(v, shapes[k])))
  return { params, raw }
}

/** Textbook attention, one number at a time. kernel = 'softmax' or the elu+1 feature map of linear attention. */
function naiveAttention(x: number[][][], raw: Record<string, number[]>, dims: ModelDims, opts: { causal: boolean; window?: number; kernel?: 'softmax' | 'linear' }) {
  const { dModel: D, nHeads: H, nKvHeads: Hkv, headDim: Dh } = dims
  const g = H / Hkv
  const qkvOut = (H + 2 * Hkv) * Dh
  const out: number[][][] = []
  const weights: number[][][][] = []
  const phi = (z: number) => (z > 0 ? z + 1 : Math.exp(z))
  for (let b = 0; b < B; b++) {
    const proj = x[b].map((row) => Array.from({ length: qkvOut }, (_, o) => raw['a/qkv_b'][o] + row.reduce((s, xi, i) => s + xi * raw['a/qkv'][i * qkvOut + o], 0)))
    const concat: number[][] = Array.from({ length: T }, () => new Array(D).fill(0))
    weights.push([])
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / g)
      const q = (t: number, d: number) => proj[t][h * Dh + d]
      const k = (t: number, d: number) => proj[t][H * Dh + kvh * Dh + d]
      const v = (t: number, d: number) => proj[t][(H + Hkv) * Dh + kvh * Dh + d]
      const wh: number[][] = []
      for (let i = 0; i < T; i++) {
        const allowed = (j: number) => pad[b][j] === 1 && (!opts.causal || j <= i) && (opts.window === undefined || Math.abs(i - j) <= opts.window)
        const s = Array.from({ length: T }, (_, j) => {
          if (!allowed(j)) return null
          let dot = 0
          for (let d = 0; d < Dh; d++) dot += opts.kernel === 'linear' ? phi(q(i, d)) * phi(k(j, d)) : q(i, d) * k(j, d)
          return opts.kernel === 'linear' ? dot : dot / Math.sqrt(Dh)
        })
        let w: number[]
        if (s.every((c) => c === null)) {
          w = new Array(T).fill(0) // a padded query with no visible key; its output is never used
        } else if (opts.kernel === 'linear') {
          const z = s.reduce((a: number, c) => a + (c ?? 0), 0)
          w = s.map((c) => (c ?? 0) / z)
        } else {
          const m = Math.max(...(s.filter((c) => c !== null) as number[]))
          const e = s.map((c) => (c === null ? 0 : Math.exp(c - m)))
          const z = e.reduce((a, c) => a + c, 0)
          w = e.map((c) => c / z)
        }
        wh.push(w)
        for (let d = 0; d < Dh; d++) concat[i][h * Dh + d] = w.reduce((acc, wj, j) => acc + wj * v(j, d), 0)
      }
      weights[b].push(wh)
    }
    out.push(concat.map((row) => Array.from({ length: D }, (_, o) => raw['a/out_b'][o] + row.reduce((s, ci, i) => s + ci * raw['a/out'][i * D + o], 0))))
  }
  return { out, weights }
}

/** Zeroes the outputs at padded query positions (they are never read, so any value is acceptable there). */
function realQueries(out: number[][][]): number[][][] {
  return out.map((rows, b) => rows.map((r, i) => (pad[b][i] ? r : r.map(() => 0))))
}

function ctx(attention: boolean): ForwardContext {
  return { training: false, seeds: null, loraScale: 0, attention: attention ? [] : null }
}

function run(kind: 'full' | 'linear', x: number[][][], params: Params, dims: ModelDims, causal: boolean, withWeights = true) {
  return tf.tidy(() => {
    const c = ctx(withWeights)
    const masks = buildMasks(tf.tensor2d(pad), dims, causal)
    const fn = kind === 'linear' ? linearAttention : multiHeadAttention
    const y = fn(tf.tensor3d(x), masks, params, 'a', dims, c)
    return { out: y.arraySync() as number[][][], weights: (c.attention?.[0]?.arraySync() ?? []) as number[][][][] }
  })
}

function randomInput(seed: number, D: number): number[][][] {
  const rng = new Rng(seed)
  return Array.from({ length: B }, () => Array.from({ length: T }, () => randomArray(rng, D, 1)))
}

function maxDiff(a: number[][][] | number[][][][], b: number[][][] | number[][][][]): number {
  const fa = (a as unknown[]).flat(4) as number[]
  const fb = (b as unknown[]).flat(4) as number[]
  expect(fa.length).toBe(fb.length)
  return Math.max(...fa.map((v, i) => Math.abs(v - fb[i])))
}

beforeAll(async () => {
  await initBackend(['cpu'])
})

describe('multi-head attention', () => {
  it('matches a naive loop implementation, with a padding mask, bidirectional and causal', () => {
    const dims = dimsFor({})
    const { params, raw } = attentionParams(dims, 3)
    const x = randomInput(4, dims.dModel)
    for (const causal of [false, true]) {
      const got = run('full', x, params, dims, causal)
      const want = naiveAttention(x, raw, dims, { causal })
      expect(maxDiff(got.out, want.out)).toBeLessThan(1e-4)
      expect(maxDiff(got.weights, want.weights)).toBeLessThan(1e-5)
    }
  })

  it('gives masked positions exactly zero weight and rows that sum to one', () => {
    const dims = dimsFor({})
    const { params } = attentionParams(dims, 5)
    const { weights } = run('full', randomInput(6, dims.dModel), params, dims, true)
    for (let b = 0; b < B; b++)
      for (const head of weights[b])
        head.forEach((row, i) => {
          if (pad[b][i] === 0) return
          row.forEach((w, j) => {
            if (pad[b][j] === 0 || j > i) expect(w).toBe(0)
          })
          expect(row.reduce((a, c) => a + c, 0)).toBeCloseTo(1, 5)
        })
  })

  it('grouped-query attention follows the naive loop where each K/V head serves nHeads / nKvHeads query heads', () => {
    const dims = dimsFor({ nKvHeads: 2 })
    const { params, raw } = attentionParams(dims, 7)
    const x = randomInput(8, dims.dModel)
    expect(maxDiff(run('full', x, params, dims, false).out, naiveAttention(x, raw, dims, { causal: false }).out)).toBeLessThan(1e-4)
  })

  it('grouped-query attention equals multi-head attention whose K/V weights are copied within each group', () => {
    const gqa = dimsFor({ nKvHeads: 2 })
    const mha = dimsFor({ nKvHeads: 4 })
    const { params, raw } = attentionParams(gqa, 9)
    const { dModel: D, nHeads: H, headDim: Dh } = gqa
    // Rebuild the fused projection with one K and one V block per query head, copied from its group's head.
    const outG = (H + 2 * 2) * Dh
    const outM = (H + 2 * H) * Dh
    const colMap = (o: number) => {
      if (o < H * Dh) return o
      const isV = o >= 2 * H * Dh
      const rel = o - (isV ? 2 : 1) * H * Dh
      const head = Math.floor(rel / Dh)
      return H * Dh + (isV ? 2 * Dh : 0) + Math.floor(head / 2) * Dh + (rel % Dh)
    }
    const w = new Array(D * outM).fill(0)
    for (let i = 0; i < D; i++) for (let o = 0; o < outM; o++) w[i * outM + o] = raw['a/qkv'][i * outG + colMap(o)]
    const bias = Array.from({ length: outM }, (_, o) => raw['a/qkv_b'][colMap(o)])
    const mhaParams: Params = new Map([
      ['a/qkv', tf.variable(tf.tensor(w, [D, outM]))],
      ['a/qkv_b', tf.variable(tf.tensor(bias, [outM]))],
      ['a/out', params.get('a/out')!],
      ['a/out_b', params.get('a/out_b')!],
    ])
    const x = randomInput(10, D)
    expect(maxDiff(run('full', x, params, gqa, false).out, run('full', x, mhaParams, mha, false).out)).toBeLessThan(1e-5)
  })
})

describe('efficient variants', () => {
  it('sliding-window attention with window >= seqLen equals full attention', () => {
    const full = dimsFor({})
    const sliding = dimsFor({ attention: 'sliding', window: T })
    const { params } = attentionParams(full, 11)
    const x = randomInput(12, full.dModel)
    for (const causal of [false, true]) expect(maxDiff(run('full', x, params, sliding, causal).out, run('full', x, params, full, causal).out)).toBe(0)
  })

  it('a narrow window matches the naive loop and gives keys outside the band zero weight', () => {
    const dims = dimsFor({ attention: 'sliding', window: 1 })
    const { params, raw } = attentionParams(dims, 13)
    const x = randomInput(14, dims.dModel)
    const got = run('full', x, params, dims, false)
    const want = naiveAttention(x, raw, dims, { causal: false, window: 1 })
    expect(maxDiff(realQueries(got.out), realQueries(want.out))).toBeLessThan(1e-4)
    got.weights[0][0].forEach((row, i) => row.forEach((w, j) => Math.abs(i - j) > 1 && expect(w).toBe(0)))
  })

  it('linear attention matches the naive kernel loop, and its O(T) path equals its explicit path', () => {
    const dims = dimsFor({ attention: 'linear', nKvHeads: 2 })
    const { params, raw } = attentionParams(dims, 15)
    const x = randomInput(16, dims.dModel)
    for (const causal of [false, true]) {
      const want = naiveAttention(x, raw, dims, { causal, kernel: 'linear' })
      const explicit = run('linear', x, params, dims, causal, true)
      expect(maxDiff(explicit.out, want.out)).toBeLessThan(1e-4)
      expect(maxDiff(explicit.weights, want.weights)).toBeLessThan(1e-5)
    }
    const fast = run('linear', x, params, dims, false, false)
    const explicit = run('linear', x, params, dims, false, true)
    expect(maxDiff(fast.out, explicit.out)).toBeLessThan(1e-4)
  })
})

describe('transformer block gradients', () => {
  it('match central finite differences for the input and the attention weights', () => {
    const dims = dimsFor({ nKvHeads: 2 })
    const rng = new Rng(21)
    const { params } = attentionParams(dims, 22)
    // Rename the attention weights into block 0 and add the norms and feed-forward.
    const block: Params = new Map()
    for (const [k, v] of params) block.set(k.replace(/^a\//, 'block_0/attn/'), v)
    const D = dims.dModel
    const F = dims.ffnDim
    const add = (name: string, shape: number[], values: number[]) => block.set(name, tf.variable(tf.tensor(values, shape)))
    add('block_0/ln1/gamma', [D], randomArray(rng, D, 0.2).map((v) => 1 + v))
    add('block_0/ln1/beta', [D], randomArray(rng, D, 0.1))
    add('block_0/ln2/gamma', [D], randomArray(rng, D, 0.2).map((v) => 1 + v))
    add('block_0/ln2/beta', [D], randomArray(rng, D, 0.1))
    add('block_0/ffn/w1', [D, F], randomArray(rng, D * F, 0.3))
    add('block_0/ffn/w1_b', [F], randomArray(rng, F, 0.1))
    add('block_0/ffn/w2', [F, D], randomArray(rng, F * D, 0.3))
    add('block_0/ffn/w2_b', [D], randomArray(rng, D, 0.1))
    const x0 = randomInput(23, D)
    const R = tf.tensor3d(randomInput(24, D))
    const masks = buildMasks(tf.tensor2d(pad), dims, true)
    const f = (x: tf.Tensor) => tf.sum(tf.mul(transformerBlock(x, masks, block, 0, dims, ctx(false)), R)) as tf.Scalar
    const value = (x: number[][][]) => tf.tidy(() => f(tf.tensor3d(x)).dataSync()[0])

    const gx = tf.tidy(() => tf.grad(f)(tf.tensor3d(x0)).arraySync()) as number[][][]
    const eps = 1e-2
    for (const [b, t, d] of [[0, 0, 0], [0, 3, 5], [1, 2, 7], [1, 1, 2]]) {
      const plus = structuredClone(x0)
      const minus = structuredClone(x0)
      plus[b][t][d] += eps
      minus[b][t][d] -= eps
      const numeric = (value(plus) - value(minus)) / (2 * eps)
      expect(Math.abs(numeric - gx[b][t][d])).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric))
    }

    const qkv = block.get('block_0/attn/qkv')!
    const { grads } = tf.variableGrads(() => f(tf.tensor3d(x0)), [qkv])
    const gw = grads[qkv.name].dataSync()
    const w0 = qkv.dataSync().slice()
    for (const i of [0, 17, 40, 95]) {
      const at = (delta: number) => {
        const w = w0.slice()
        w[i] += delta
        qkv.assign(tf.tensor(w, qkv.shape))
        return value(x0)
      }
      const numeric = (at(eps) - at(-eps)) / (2 * eps)
      qkv.assign(tf.tensor(w0, qkv.shape))
      expect(Math.abs(numeric - gw[i])).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric))
    }
  })
})
