import * as tf from '@tensorflow/tfjs-core'
import { describe, it } from 'vitest'
import { dense, matMulBatched, sumRows } from '../../../../src/main/engine/ops'
import { BACKENDS, expectClose, on, rand, seeded } from './helpers'
import { matMulRef } from './references'

// References are plain tfjs on the cpu backend, which the engine's fixes leave untouched.
describe.each(BACKENDS)('matmul ops on %s', (backend) => {
  it('dense matches matMul + bias, forward and gradients, for 2-D and 3-D inputs', async () => {
    for (const xShape of [[6, 5], [2, 3, 5]]) {
      const f = (useFast: boolean) => () => {
        const x = rand(xShape, 1), w = rand([5, 7], 2), b = rand([7], 3), dy = rand([...xShape.slice(0, -1), 7], 4)
        const fn = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => useFast
          ? dense(xi, wi, bi)
          : tf.add(tf.reshape(tf.matMul(tf.reshape(xi, [-1, 5]), wi), [...xShape.slice(0, -1), 7]), bi)
        const y = fn(x, w, b)
        const grads = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => fn(xi, wi, bi))([x, w, b], dy)
        return [y, ...grads]
      }
      const got = await on(backend, f(true))
      const want = await on('cpu', f(false))
      got.forEach((g, i) => expectClose(g, want[i]!))
    }
  })

  it('dense without bias matches matMul, with the weight gradient taken either way round', async () => {
    // [N, Din] with Din > Dout exercises the (dy^T x)^T branch of the weight gradient.
    for (const [n, din, dout] of [[4, 3, 9], [9, 8, 2]] as const) {
      const f = (useFast: boolean) => () => {
        const x = rand([n, din], 5), w = rand([din, dout], 6), dy = rand([n, dout], 7)
        const fn = (xi: tf.Tensor, wi: tf.Tensor) => (useFast ? dense(xi, wi) : tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D))
        return [fn(x, w), ...tf.grads(fn)([x, w], dy)]
      }
      const got = await on(backend, f(true))
      const want = await on('cpu', f(false))
      got.forEach((g, i) => expectClose(g, want[i]!))
    }
  })

  it.each([false, true])('matMulBatched (transposeB=%s) matches matMul on attention shapes, forward and gradients', async (transposeB) => {
    const f = (useFast: boolean) => () => {
      const a = rand([2, 3, 5, 4], 11), b = rand(transposeB ? [2, 3, 6, 4] : [2, 3, 4, 6], 12), dy = rand([2, 3, 5, 6], 13)
      const fn = (ai: tf.Tensor, bi: tf.Tensor) => (useFast ? matMulBatched(ai, bi, transposeB) : tf.matMul(ai, bi, false, transposeB))
      return [fn(a, b), ...tf.grads(fn)([a, b], dy)]
    }
    const got = await on(backend, f(true))
    const want = await on('cpu', f(false))
    got.forEach((g, i) => expectClose(g, want[i]!))
  })

  it('plain tf.matMul with every transpose flag and broadcast gives the reference result after the fixes', async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 4], [4, 6], false, false], [[4, 5], [4, 6], true, false], [[5, 4], [6, 4], false, true], [[4, 5], [6, 4], true, true],
      [[3, 5, 4], [3, 4, 6], false, false], [[3, 4, 5], [3, 6, 4], true, true], [[3, 5, 4], [1, 4, 6], false, false], [[1, 5, 4], [3, 4, 6], false, false],
    ]
    for (const [as, bs, ta, tb] of cases) {
      const f = () => [tf.matMul(rand(as, 21), rand(bs, 22), ta, tb)]
      // Against the definition in float64 (not against tfjs itself, which on cpu would be a tautology).
      const want = matMulRef(seeded(as.reduce((p, x) => p * x, 1), 21), as, seeded(bs.reduce((p, x) => p * x, 1), 22), bs, ta, tb)
      expectClose((await on(backend, f))[0]!, want)
    }
  })

  it('sumRows equals a sum over the first axis', async () => {
    const f = (useFast: boolean) => () => { const x = rand([37, 5], 31); return [useFast ? sumRows(x) : tf.sum(x, 0)] }
    expectClose((await on(backend, f(true)))[0]!, (await on('cpu', f(false)))[0]!)
  })
})
