import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { attention, embeddingLookup, mergeHeads, paddingMaskBias, splitHeads, splitQkv } from '../../../../src/main/engine/ops'
import { BACKENDS, expectClose, on, rand } from './helpers'

describe.each(BACKENDS)('embedding and attention ops on %s', (backend) => {
  it('embeddingLookup gathers rows and its gradient scatter-adds repeated ids (vs a one-hot matmul)', async () => {
    const ids = [[3, 1, 3], [0, 9, 3]]
    const f = (useFast: boolean) => () => {
      const table = rand([10, 4], 1), dy = rand([2, 3, 4], 2), idt = tf.tensor2d(ids, [2, 3], 'int32')
      const fn = (t: tf.Tensor) => useFast
        ? embeddingLookup(t, idt)
        : tf.reshape(tf.matMul(tf.oneHot(tf.reshape(idt, [-1]), 10), t as tf.Tensor2D), [2, 3, 4])
      return [fn(table), tf.grad(fn)(table, dy)]
    }
    const got = await on(backend, f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-6, 1e-6))
  })

  it('embeddingLookup refuses float ids', async () => {
    await on(backend, () => {
      expect(() => embeddingLookup(tf.ones([4, 2]), tf.tensor2d([[1, 2]]))).toThrow(/int32/)
      return []
    })
  })

  it('attention equals a naive per-query loop, and masked keys get zero weight', async () => {
    const [B, H, T, Dh] = [2, 2, 5, 3]
    const mask = [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]
    const [out, weights, q, k, v] = await on(backend, () => {
      const q = rand([B, H, T, Dh], 1), k = rand([B, H, T, Dh], 2), v = rand([B, H, T, Dh], 3)
      const r = attention(q, k, v, { maskBias: paddingMaskBias(tf.tensor2d(mask, [B, T], 'int32')) })
      return [r.output, r.weights, q, k, v]
    })
    const at = (x: Float32Array, b: number, h: number, t: number, d: number) => x[((b * H + h) * T + t) * Dh + d]!
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let i = 0; i < T; i++) {
      const s: number[] = []
      for (let j = 0; j < T; j++) {
        let dot = 0
        for (let d = 0; d < Dh; d++) dot += at(q!, b, h, i, d) * at(k!, b, h, j, d)
        s.push(mask[b]![j] ? dot / Math.sqrt(Dh) : -Infinity)
      }
      const m = Math.max(...s), e = s.map((x) => Math.exp(x - m)), z = e.reduce((a, c) => a + c, 0)
      for (let j = 0; j < T; j++) {
        const w = weights![((b * H + h) * T + i) * T + j]!
        expect(Math.abs(w - e[j]! / z)).toBeLessThan(1e-5)
        if (!mask[b]![j]) expect(w).toBe(0)
      }
      for (let d = 0; d < Dh; d++) {
        let o = 0
        for (let j = 0; j < T; j++) o += (e[j]! / z) * at(v!, b, h, j, d)
        expect(Math.abs(at(out!, b, h, i, d) - o)).toBeLessThan(1e-5)
      }
    }
  })

  it('attention gradients match plain tfjs ops', async () => {
    const shape = [2, 2, 6, 4]
    const f = (useFast: boolean) => () => {
      const q = rand(shape, 4), k = rand(shape, 5), v = rand(shape, 6), dy = rand(shape, 7)
      const fn = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) => useFast
        ? attention(qi, ki, vi).output
        : tf.matMul(tf.softmax(tf.div(tf.matMul(qi, ki, false, true), 2)), vi)
      return [fn(q, k, v), ...tf.grads(fn)([q, k, v], dy)]
    }
    const got = await on(backend, f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-5, 1e-4))
  })

  it('splitQkv and mergeHeads agree with reshapes and transposes, gradients included', async () => {
    const [B, T, H, Dh] = [2, 3, 2, 4]
    const f = (useFast: boolean) => () => {
      const qkv = rand([B, T, 3 * H * Dh], 8), dy = rand([B, T, H * Dh], 9)
      const fn = (x: tf.Tensor) => {
        const [q, k, v] = useFast
          ? splitQkv(x, H)
          : tf.split(x, 3, 2).map((p) => splitHeads(p, H))
        return mergeHeads(tf.add(tf.mul(q!, 2), tf.sub(k!, tf.mul(v!, 3)))) // touches all three so every gradient is checked
      }
      return [fn(qkv), tf.grad(fn)(qkv, dy)]
    }
    const got = await on(backend, f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-6, 1e-6))
  })
})
