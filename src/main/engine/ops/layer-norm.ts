// Layer normalisation over the last axis with a closed-form gradient (one pass of simple ops instead
// of differentiating through moments, which records many more kernels).
import * as tf from '@tensorflow/tfjs-core'
import { customOp, dim } from './custom-op'
import { sumRows } from './matmul'

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta; gamma, beta: [D]. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  const d = dim(x, -1)
  const op = customOp(([xi, g, b], save) => {
    if (!xi || !g || !b) throw new Error('layerNorm: missing input')
    const x2 = tf.reshape(xi, [-1, d]) // [..., D] -> [N, D]
    const xc = tf.sub(x2, tf.mean(x2, 1, true))
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), 1, true), eps)) // [N, 1]
    const xhat = tf.mul(xc, rstd) // [N, D]
    save([xhat, rstd, g])
    return {
      value: tf.reshape(tf.add(tf.mul(xhat, g), b), xi.shape),
      gradFunc: (dy, [xh, r, gs]) => {
        if (!xh || !r || !gs) throw new Error('layerNorm: saved tensors missing')
        const dy2 = tf.reshape(dy, [-1, d]) // [N, D]
        const dxhat = tf.mul(dy2, gs)
        // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
        const dx = tf.mul(r, tf.sub(tf.sub(dxhat, tf.mean(dxhat, 1, true)), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), 1, true))))
        return [tf.reshape(dx, dy.shape), sumRows(tf.mul(dy2, xh)), sumRows(dy2)]
      },
    }
  })
  return op(x, gamma, beta)
}
