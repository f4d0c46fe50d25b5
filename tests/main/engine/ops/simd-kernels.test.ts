// The hand-assembled WebAssembly SIMD kernels (GELU and layer norm, forward and gradient) against plain
// tfjs on the cpu backend: odd lengths (a 4-wide body plus a JS tail), inputs far out in the tails of the
// sigmoid (the inline exp's clamping), and a row width that is not a multiple of 4 (the JS fallback);
// column sums (bias gradients) over many rows; seeded dropout (the SIMD body hands its four xorshift
// streams to the JS tail) equal bit for bit to x times the JS-drawn mask, keeping about 1 - rate;
// the softmax gradient with its transpose and the transpose kernel on sides that are multiples of 4.
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { dropout, dropoutMask, gelu, layerNorm, sumRows } from '../../../../src/main/engine/ops'
import { softmaxGradWithTranspose, transposeLastFast } from '../../../../src/main/engine/ops/attention-kernels'
import { isWasmBackend } from '../../../../src/main/engine/ops/wasm-heap'
import { simdKernels, simdModuleValid } from '../../../../src/main/engine/ops/wasm-simd'
import { expectClose, on, rand, seeded } from './helpers'
import { geluRef, layerNormRef } from './references'

describe('wasm SIMD kernels', () => {
  it('the module validates and instantiates over the wasm backend memory', async () => {
    expect(simdModuleValid()).toBe(true)
    await on('wasm', () => [])
    const be = tf.backend()
    expect(isWasmBackend(be) && simdKernels(be) !== null).toBe(true)
  })

  it.each([[37, 131, 5], [8, 64, 30]])('GELU forward and gradient match plain tfjs on [%s, %s] inputs of scale %s', async (r, c, scale) => {
    const f = () => {
      const x = rand([r, c], 41, scale), dy = rand([r, c], 42)
      return [gelu(x), tf.grad(gelu)(x, dy)]
    }
    const got = await on('wasm', f)
    const want = await on('cpu', f)
    got.forEach((g) => expect(g.every(Number.isFinite)).toBe(true))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-5, 1e-4))
    // Both backends against the formula itself, so the cpu path cannot agree with a wrong wasm one by sharing code.
    const ref = geluRef(seeded(r * c, 41, scale), seeded(r * c, 42))
    for (const out of [got, want]) {
      expectClose(out[0]!, ref.y, 1e-5, 1e-4)
      expectClose(out[1]!, ref.dx, 1e-5, 1e-4)
    }
  })

  it.each([[3, 17, 132], [5, 7, 30]])('layer norm forward and gradients match plain tfjs on [%s, %s, %s]', async (b, t, d) => {
    const f = () => {
      const x = rand([b, t, d], 43, 3), g = rand([d], 44), beta = rand([d], 45), dy = rand([b, t, d], 46)
      const fn = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => layerNorm(xi, gi, bi, 1e-5)
      return [fn(x, g, beta), ...tf.grads(fn)([x, g, beta], dy)]
    }
    const got = await on('wasm', f)
    const want = await on('cpu', f)
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-4, 1e-3))
    const ref = layerNormRef(seeded(b * t * d, 43, 3), seeded(d, 44), seeded(d, 45), seeded(b * t * d, 46), d, 1e-5)
    for (const out of [got, want]) [ref.y, ref.dx, ref.dg, ref.db].forEach((r, i) => expectClose(out[i]!, r, 1e-4, 1e-3))
  })

  it.each([[4096, 512], [37, 132], [9, 6]])('sumRows over [%s, %s] matches a plain sum over the first axis', async (n, d) => {
    const got = await on('wasm', () => [sumRows(rand([n, d], 47))])
    const want = await on('cpu', () => [tf.sum(rand([n, d], 47), 0)])
    expectClose(got[0]!, want[0]!, 1e-4, 1e-4)
  })

  it.each([[0.1, 3], [0.5, 11]])('dropout at rate %s (seed %s) equals x times the JS mask bit for bit and keeps about 1 - rate', async (rate, seed) => {
    const shape = [7, 1237]
    const f = (fast: boolean) => () => {
      const x = rand(shape, 48, 2), dy = rand(shape, 49)
      const fn = (xi: tf.Tensor) => (fast ? dropout(xi, rate, seed) : tf.mul(xi, dropoutMask(shape, rate, seed)))
      return [fn(x), tf.grad(fn)(x, dy)]
    }
    const got = await on('wasm', f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 0, 0))
    const kept = got[0]!.filter((v) => v !== 0).length / got[0]!.length
    expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.02)
  })

  it.each([[[2, 3, 8, 12], [3, 16, 20]], [[4, 4, 128, 128], [8, 128, 32]]])('softmax gradient, its transpose and the transpose kernel match plain tfjs on %j and %j', async (ps, xs) => {
    const f = (fast: boolean) => () => {
      const p = tf.softmax(rand(ps, 50, 3)), dp = rand(ps, 51), x = rand(xs, 52)
      if (fast) return [...softmaxGradWithTranspose(dp, p), transposeLastFast(x)]
      const ds = tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true)))
      return [ds, tf.transpose(ds, [0, 1, 3, 2]), tf.transpose(x, [0, 2, 1])]
    }
    const got = await on('wasm', f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-6, 1e-5))
  })
})
