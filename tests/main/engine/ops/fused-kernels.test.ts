// The wasm backend's fused JS kernels against plain tfjs: AdamW with clipping (the composite update on
// the cpu backend), layer norm and GELU on shapes as large as the reference workload's.
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { gelu, layerNorm } from '../../../../src/main/engine/ops'
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
