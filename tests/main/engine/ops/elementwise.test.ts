import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { dropout, dropoutMask, gelu, geluExact, layerNorm } from '../../../../src/main/engine/ops'
import { BACKENDS, expectClose, on, rand } from './helpers'

// The tanh-form GELU written the textbook way, as the reference for the sigmoid form.
function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)))
}

// Layer norm through tf.moments, differentiated by tfjs itself.
function layerNormRef(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true)
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b)
}

describe.each(BACKENDS)('elementwise ops on %s', (backend) => {
  it('gelu equals the tanh-form GELU, forward and gradient', async () => {
    const f = (useFast: boolean) => () => {
      const x = rand([4, 50], 1, 6), dy = rand([4, 50], 2)
      const fn = useFast ? gelu : geluTanh
      return [fn(x), tf.grad(fn)(x, dy)]
    }
    const got = await on(backend, f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-5, 1e-4))
  })

  it('gelu stays within 5e-4 of the exact erf GELU', async () => {
    const [fast, exact] = await on(backend, () => { const x = tf.linspace(-8, 8, 4001); return [gelu(x), geluExact(x)] })
    let worst = 0
    for (let i = 0; i < fast!.length; i++) worst = Math.max(worst, Math.abs(fast![i]! - exact![i]!))
    expect(worst).toBeLessThan(5e-4)
    expect(worst).toBeGreaterThan(0) // it is an approximation, and the test measures it
  })

  it('layerNorm matches the moments-based version, forward and all three gradients', async () => {
    const f = (useFast: boolean) => () => {
      const x = rand([2, 3, 8], 3, 3), g = rand([8], 4), b = rand([8], 5), dy = rand([2, 3, 8], 6)
      const fn = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => (useFast ? layerNorm(xi, gi, bi, 1e-5) : layerNormRef(xi, gi, bi, 1e-5))
      return [fn(x, g, b), ...tf.grads(fn)([x, g, b], dy)]
    }
    const got = await on(backend, f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-4, 1e-3))
  })

  it('dropout keeps about 1 - rate of the units, scales them, is reproducible and passes gradients through the mask', async () => {
    const [y, y2, other, grad, mask] = await on(backend, () => {
      const x = tf.ones([200, 100])
      return [dropout(x, 0.1, 42), dropout(x, 0.1, 42), dropout(x, 0.1, 43),
        tf.grad((xi: tf.Tensor) => dropout(xi, 0.1, 42))(x, tf.ones([200, 100])), dropoutMask([200, 100], 0.1, 42)]
    })
    const kept = y!.filter((v) => v !== 0)
    expect(kept.length / y!.length).toBeGreaterThan(0.88)
    expect(kept.length / y!.length).toBeLessThan(0.92)
    expectClose(kept, new Float32Array(kept.length).fill(1 / 0.9), 1e-6, 0)
    expectClose(y2!, y!, 0, 0)
    expect(other!.some((v, i) => v !== y![i])).toBe(true)
    expectClose(grad!, mask!, 0, 0)
  })

  it('dropout rejects a rate outside [0, 1) and is the identity at rate 0', async () => {
    await on(backend, () => {
      const x = tf.ones([3])
      expect(() => dropout(x, 1, 1)).toThrow(/rate/)
      expect(dropout(x, 0, 1)).toBe(x)
      return []
    })
  })
})
