import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { attention, dense, embeddingLookup, gelu, layerNorm, registerBackendFixes, splitQkv, mergeHeads } from '../../../../src/main/engine/ops'
import { expectClose, on, rand } from './helpers'

describe('wasm kernel fixes', () => {
  it('slice, split, unstack and gather give the cpu results on odd shapes', async () => {
    const f = () => {
      const x = rand([3, 5, 7], 1), xi = tf.cast(tf.mul(rand([4, 6], 2), 100), 'int32')
      return [
        tf.slice(x, [1, 2, 3], [2, 3, 4]), tf.slice(x, [0, 1, 0], [3, 2, 7]), tf.slice(x, [2, 0, 0], [1, 5, 7]),
        ...tf.split(x, [2, 3], 1), ...tf.unstack(x, 2), tf.cast(tf.slice(xi, [1, 1], [2, 4]), 'float32'),
        tf.gather(x, tf.tensor1d([2, 0, 2], 'int32')), tf.gather(x, tf.tensor1d([4, 1], 'int32'), 1),
      ]
    }
    const got = await on('wasm', f)
    const want = await on('cpu', f)
    got.forEach((g, i) => expectClose(g, want[i]!, 0, 0))
  })

  it('gather with an out-of-range row fails with a clear message', async () => {
    await on('wasm', () => {
      expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([3], 'int32'))).toThrow(/not in \[0, 2\]/)
      return []
    })
  })

  it('unsortedSegmentSum exists on wasm, sums repeated ids and drops out-of-range ones', async () => {
    const f = () => [tf.unsortedSegmentSum(rand([5, 3], 3), tf.tensor1d([2, 0, 2, -1, 4], 'int32'), 4)]
    const got = await on('wasm', f)
    const want = await on('cpu', f)
    expectClose(got[0]!, want[0]!, 1e-6, 0)
  })

  it('registerBackendFixes is idempotent', async () => {
    const f = () => [tf.matMul(rand([3, 4, 5], 4), rand([3, 6, 5], 5), false, true)]
    const before = await on('wasm', f)
    registerBackendFixes('wasm')
    registerBackendFixes('wasm')
    registerBackendFixes('cpu')
    expectClose((await on('wasm', f))[0]!, before[0]!, 0, 0)
  })

  it.each(['cpu', 'wasm'])('a training step through the ops on %s leaves no tensors behind', async (backend) => {
    await on(backend, () => [])
    const w = { qkv: tf.variable(rand([8, 24], 6, 0.3)), out: tf.variable(rand([8, 8], 7, 0.3)), emb: tf.variable(rand([20, 8], 8)),
      g: tf.variable(tf.ones([8])), b: tf.variable(tf.zeros([8])) }
    const ids = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 19]], [2, 4], 'int32')
    const step = () => {
      const { value, grads } = tf.variableGrads(() => {
        const h = layerNorm(embeddingLookup(w.emb, ids), w.g, w.b)
        const [q, k, v] = splitQkv(dense(h, w.qkv), 2)
        return tf.mean(tf.square(gelu(dense(mergeHeads(attention(q!, k!, v!).output), w.out)))) as tf.Scalar
      })
      tf.tidy(() => { for (const [name, g] of Object.entries(grads)) tf.engine().registeredVariables[name]!.assign(tf.sub(tf.engine().registeredVariables[name]!, tf.mul(g, 0.1))) })
      tf.dispose(grads)
      const loss = value.dataSync()[0]!
      value.dispose()
      return loss
    }
    const first = step()
    const tensors = tf.memory().numTensors
    let last = first
    for (let i = 0; i < 3; i++) last = step()
    expect(tf.memory().numTensors).toBe(tensors)
    expect(last).toBeLessThan(first)
    tf.dispose([ids, ...Object.values(w)])
  })
})
