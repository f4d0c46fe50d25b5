// The wasm backend's fused JS kernels against plain tfjs: AdamW with clipping (the composite update on
// the cpu backend), layer norm and GELU on shapes as large as the reference workload's, and attention's
// backward kernels (grouped-query attention with a mask and dropout against a plain-ops version).
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { attention, dense, dropout, dropoutMask, gelu, layerNorm, paddingMaskBias } from '../../../../src/main/engine/ops'
import { softmaxGradWithTranspose, transposeLastFast } from '../../../../src/main/engine/ops/attention-kernels'
import { hasFusedAdamW } from '../../../../src/main/engine/ops/adamw-kernel'
import { AdamW, clipByGlobalNorm } from '../../../../src/main/engine/training/adamw'
import { expectClose, on, rand } from './helpers'

// Three AdamW steps on two weights (one decayed matrix, one bias) with gradients large enough to be clipped.
function adamSteps(fused: boolean, maxNorm: number): () => tf.Tensor[] {
  return () => {
    const params = new Map([['w', tf.variable(rand([6, 5], 1))], ['b', tf.variable(rand([5], 2))]])
    const opt = new AdamW(params, ['w', 'b'], { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 })
    expect(hasFusedAdamW()).toBe(fused)
    for (let step = 0; step < 3; step++) {
      const grads = { w: rand([6, 5], 10 + step, 3), b: rand([5], 20 + step, 3) }
      const lrScale = (n: string) => (n === 'b' ? 0.5 : 1)
      const decay = (n: string) => n === 'w'
      if (fused) opt.applyClipped(grads, maxNorm, 1e-2, lrScale, decay)
      else opt.apply(maxNorm > 0 ? clipByGlobalNorm(grads, maxNorm).grads : grads, 1e-2, lrScale, decay)
    }
    const out = [...params.values(), ...opt.m.values(), ...opt.v.values()].map((v) => tf.clone(v))
    opt.dispose()
    return out
  }
}

describe('fused wasm kernels', () => {
  it.each([1, 0, 100])('AdamW with global-norm clipping at %s matches the composite update', async (maxNorm) => {
    const got = await on('wasm', adamSteps(true, maxNorm))
    const want = await on('cpu', adamSteps(false, maxNorm))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-6, 1e-5))
  })

  it('layer norm forward and gradients match plain tfjs on a [4096, 128] input', async () => {
    const f = () => {
      const x = rand([32, 128, 128], 3, 4), g = rand([128], 4), b = rand([128], 5), dy = rand([32, 128, 128], 6)
      const fn = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => layerNorm(xi, gi, bi, 1e-5)
      return [fn(x, g, b), ...tf.grads(fn)([x, g, b], dy)]
    }
    const got = await on('wasm', f)
    const want = await on('cpu', f)
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-4, 1e-3))
  })

  it('GELU forward and gradient match plain tfjs on a [4096, 512] input', async () => {
    const f = () => {
      const x = rand([4096, 512], 7, 5), dy = rand([4096, 512], 8)
      return [gelu(x), tf.grad(gelu)(x, dy)]
    }
    const got = await on('wasm', f)
    const want = await on('cpu', f)
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-5, 1e-4))
  })
})

// Grouped-query attention with a padding mask and dropout written with plain tfjs ops: K/V heads repeated per group.
function attentionRef(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const [B, H, T, Dh] = q.shape
  const Hkv = k.shape[1]!, g = H / Hkv
  const rep = (x: tf.Tensor) => tf.reshape(tf.stack(new Array<tf.Tensor>(g).fill(x), 2), [B, H, T, Dh]) // [B, Hkv, g, T, Dh]
  const p = tf.softmax(tf.add(tf.div(tf.matMul(q, rep(k), false, true), Math.sqrt(Dh)), bias))
  return tf.matMul(tf.mul(p, mask), rep(v))
}

describe('attention kernels', () => {
  it('grouped-query attention with a mask and dropout: output and q, k, v gradients match plain tfjs', async () => {
    const [B, H, Hkv, T, Dh] = [2, 4, 2, 16, 8]
    const f = (fast: boolean) => () => {
      const q = rand([B, H, T, Dh], 11), k = rand([B, Hkv, T, Dh], 12), v = rand([B, Hkv, T, Dh], 13), dy = rand([B, H, T, Dh], 14)
      const pad = tf.tensor2d(Array.from({ length: B * T }, (_, i) => (i % T < T - 3 * (i >= T ? 1 : 0) ? 1 : 0)), [B, T])
      const bias = paddingMaskBias(pad)
      const mask = dropoutMask([B, H, T, T], 0.2, 5)
      const fn = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) => fast
        ? attention(qi, ki, vi, { maskBias: bias, dropoutRate: 0.2, seed: 5 }).output
        : attentionRef(qi, ki, vi, bias, mask)
      return [fn(q, k, v), ...tf.grads(fn)([q, k, v], dy)]
    }
    const got = await on('wasm', f(true))
    const want = await on('cpu', f(false))
    expect(got).toHaveLength(4)
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-5, 1e-4))
  })

  it('the softmax gradient kernel and its transpose, and the transpose kernel, match plain tfjs on odd shapes', async () => {
    const f = (fast: boolean) => () => {
      const p = tf.softmax(rand([3, 2, 5, 7], 15, 3)), dp = rand([3, 2, 5, 7], 16), x = rand([2, 37, 45], 17)
      if (fast) return [...softmaxGradWithTranspose(dp, p), transposeLastFast(x)]
      const ds = tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true)))
      return [ds, tf.transpose(ds, [0, 1, 3, 2]), tf.transpose(x, [0, 2, 1])]
    }
    const got = await on('wasm', f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-6, 1e-5))
  })
})

describe('seeded dropout kernel', () => {
  it('equals x times the stored mask bit for bit, forward and gradient, on an odd length', async () => {
    const f = (fast: boolean) => () => {
      const x = rand([33, 65], 21, 4), dy = rand([33, 65], 22)
      const fn = (xi: tf.Tensor) => (fast ? dropout(xi, 0.3, 77) : tf.mul(xi, dropoutMask([33, 65], 0.3, 77)))
      return [fn(x), tf.grad(fn)(x, dy)]
    }
    const got = await on('wasm', f(true))
    const want = await on('cpu', f(false))
    expect(got[0]!.some((v) => v === 0) && got[0]!.some((v) => v !== 0)).toBe(true)
    got.forEach((g, i) => expectClose(g, want[i]!, 0, 0))
  })
})

describe('row-chunked weight gradients', () => {
  it.each([[4096, 128, 512], [4096, 512, 128], [2280, 96, 40]])('dense over %s rows (%s -> %s): x and w gradients match plain tfjs', async (n, dIn, dOut) => {
    const f = (fast: boolean) => () => {
      const x = rand([n, dIn], 31), w = rand([dIn, dOut], 32, 0.1), b = rand([dOut], 33), dy = rand([n, dOut], 34)
      const fn = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => (fast ? dense(xi, wi, bi) : tf.add(tf.matMul(xi, wi), bi))
      return tf.grads(fn)([x, w, b], dy)
    }
    const got = await on('wasm', f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-3, 1e-4))
  })
})
