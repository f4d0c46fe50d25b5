// Matrix products with gradients that use only plain (untransposed-flag) products: on wasm the
// transposed-flag and batched kernels are 10-20x slower than the 2-D path these reach.
import * as tf from '@tensorflow/tfjs-core'
import { ensureBackendFixes, SUM_ROWS } from './backend-fixes'
import { customOp, dim } from './custom-op'

/** Swaps the last two axes: [..., M, K] -> [..., K, M]. */
export function transposeLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank
  return tf.transpose(x, [...Array(r - 2).keys(), r - 1, r - 2])
}

/** Sums a [N, D] matrix over its rows -> [D] (bias gradients); tf.sum(x, 0) is ~30x slower on wasm. */
export function sumRows(x: tf.Tensor): tf.Tensor {
  ensureBackendFixes()
  if (tf.getKernel(SUM_ROWS, tf.getBackend())) return tf.engine().runKernel(SUM_ROWS, { x }) as tf.Tensor
  return tf.sum(x, 0)
}

// Gradient of C = A @ B with respect to B ([..., K, N]) as A^T @ dC, transposing whichever side is
// smaller: A ([M, K]) directly, or dC ([M, N]) and the [N, K] result.
function gradRight(a: tf.Tensor, dc: tf.Tensor): tf.Tensor {
  const m = dim(a, -2), k = dim(a, -1), n = dim(dc, -1)
  if (m * k <= m * n + k * n) return tf.matMul(transposeLast(a), dc)
  return transposeLast(tf.matMul(transposeLast(dc), a))
}

/** Dense layer: x [..., Din] @ w [Din, Dout] (+ b [Dout]) -> [..., Dout], with a gradient free of transposed-flag matmuls. */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  ensureBackendFixes()
  const dIn = dim(w, 0), dOut = dim(w, 1)
  const outShape = [...x.shape.slice(0, -1), dOut]
  const forward = (x2: tf.Tensor2D, w2: tf.Tensor2D, bias?: tf.Tensor): tf.Tensor =>
    bias ? tf.fused.matMul({ a: x2, b: w2, bias }) : tf.matMul(x2, w2) // [N, Din] @ [Din, Dout] -> [N, Dout]
  const backward = (dy: tf.Tensor, x2: tf.Tensor, w2: tf.Tensor): tf.Tensor[] => {
    const dy2 = tf.reshape(dy, [-1, dOut]) // [..., Dout] -> [N, Dout]
    const dx = tf.matMul(dy2, tf.transpose(w2)) // [N, Dout] @ [Dout, Din] -> [N, Din]
    const dw = gradRight(x2, dy2) // [Din, N] @ [N, Dout] -> [Din, Dout]
    return [dx, dw]
  }
  const x2 = tf.reshape(x, [-1, dIn]) as tf.Tensor2D // [..., Din] -> [N, Din]
  const op = customOp(([xi, wi, bi], save) => {
    save([xi!, wi!])
    return {
      value: tf.reshape(forward(xi as tf.Tensor2D, wi as tf.Tensor2D, bi), outShape),
      gradFunc: (dy, [xs, ws]) => {
        const grads = backward(dy, xs!, ws!)
        return bi ? [...grads, sumRows(tf.reshape(dy, [-1, dOut]))] : grads
      },
    }
  })
  return b ? op(x2, w, b) : op(x2, w)
}

/**
 * Batched matmul for attention: a [..., M, K] @ b [..., K, N] -> [..., M, N]; with transposeB, b is [..., N, K].
 * a and b must have the same leading (batch) dims, e.g. [B, H, T, Dh] @ [B, H, T, Dh]^T -> [B, H, T, T].
 * On wasm each batch slice runs on the fast 2-D path (see backend-fixes); the gradient uses plain products only.
 */
export function matMulBatched(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  ensureBackendFixes()
  const op = customOp(([ai, bi], save) => {
    save([ai!, bi!])
    const value = tf.matMul(ai!, transposeB ? transposeLast(bi!) : bi!)
    return {
      value,
      gradFunc: (dc, [as, bs]) => {
        if (!as || !bs) throw new Error('matMulBatched: saved inputs missing')
        if (!transposeB) {
          // C = A @ B: dA = dC @ B^T, dB = A^T @ dC
          return [tf.matMul(dc, transposeLast(bs)), gradRight(as, dc)]
        }
        // C = A @ b^T with b [N, K]: dA = dC @ b, db = dC^T @ A (or (A^T @ dC)^T, whichever transposes less)
        const m = dim(as, -2), k = dim(as, -1), n = dim(dc, -1)
        const db = m * n <= m * k + k * n
          ? tf.matMul(transposeLast(dc), as)
          : transposeLast(tf.matMul(transposeLast(as), dc))
        return [tf.matMul(dc, bs), db]
      },
    }
  })
  return op(a, b)
}
