// Matrix products with gradients that use only plain (untransposed-flag) products: on wasm the
// transposed-flag and batched kernels are 10-20x slower than the 2-D path these reach.
import * as tf from '@tensorflow/tfjs-core'
import { SUM_ROWS } from './kernel-names'
import { ensureBackendFixes } from './registration'
import { customOp, dim } from './custom-op'
import { hasKernel, registerJsKernel, runKernel, type JsKernelArgs } from './js-kernel'
import { heapF32, sliceMatMulInto } from './wasm-heap'

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
// smaller: A ([M, K]) directly, or dC ([M, N]) and the [N, K] result. Weight gradients (2-D, M = B*T
// rows) use the row-chunked product on wasm.
function gradRight(a: tf.Tensor, dc: tf.Tensor): tf.Tensor {
  const m = dim(a, -2), k = dim(a, -1), n = dim(dc, -1)
  const chunk = a.rank === 2 && hasKernel(MATMUL_TN) ? rowChunk(m) : 0
  if (chunk) {
    if (k <= n) return runKernel(MATMUL_TN, { p: a, q: dc }, { chunk }) as tf.Tensor // [K, M] @ [M, N]
    return transposeLast(runKernel(MATMUL_TN, { p: dc, q: a }, { chunk }) as tf.Tensor) // ([N, M] @ [M, K])^T
  }
  if (m * k <= m * n + k * n) return tf.matMul(transposeLast(a), dc)
  return transposeLast(tf.matMul(transposeLast(dc), a))
}

const MATMUL_TN = 'AwMatMulTN'

// Rows per chunk for a P^T Q product over m rows: the largest divisor of m in [128, 1024], or 0 (no
// chunking) when m is small or has none.
function rowChunk(m: number): number {
  if (m < 2048) return 0
  for (let c = 512; c >= 128; c--) if (m % c === 0) return c
  for (let c = 513; c <= 1024; c++) if (m % c === 0) return c
  return 0
}

/** Registers the chunked P^T Q kernel on the wasm backend. */
export function registerMatMulKernels(): void {
  const transpose = tf.getKernel(tf.Transpose, 'wasm')
  if (!transpose) return
  const transposeFn = transpose.kernelFunc as unknown as (a: { inputs: { x: tf.TensorInfo }; backend: unknown; attrs: { perm: number[] } }) => tf.TensorInfo
  registerJsKernel(MATMUL_TN, (args) => matMulTNKernel(args, transposeFn))
}

// P^T Q for P [M, p], Q [M, q] (M = B*T rows, the long inner dimension of a weight gradient) as a sum of
// products over row chunks: Pc^T [p, c] @ Qc [c, q]. The backend packs its right operand on every call and
// runs its inner loop over the whole inner dimension; chunks of a few hundred rows keep both operands in
// cache (about 25% faster than one [p, M] @ [M, q] product for M = 4096).
function matMulTNKernel({ inputs, backend: be, attrs }: JsKernelArgs,
  transpose: (a: { inputs: { x: tf.TensorInfo }; backend: unknown; attrs: { perm: number[] } }) => tf.TensorInfo): tf.TensorInfo {
  const P = inputs.p!, Q = inputs.q!
  const c = attrs.chunk as number
  const [m, p] = P.shape as [number, number]
  const q = Q.shape[1]!
  const nb = m / c
  const pt = transpose({ inputs: { x: { dataId: P.dataId, shape: [nb, c, p], dtype: 'float32' } }, backend: be, attrs: { perm: [0, 2, 1] } }) // [nb, p, c]
  const parts = be.makeOutput([nb, p, q], 'float32')
  sliceMatMulInto(be, pt, Q, parts, nb, p, c, q) // [nb, p, c] @ [nb, c, q] -> [nb, p, q]
  be.disposeData(pt.dataId)
  const out = be.makeOutput([p, q], 'float32')
  const o = heapF32(be, out), part = heapF32(be, parts)
  const size = p * q
  o.set(part.subarray(0, size))
  for (let i = 1; i < nb; i++) {
    const off = i * size
    for (let j = 0; j < size; j++) o[j] += part[off + j]!
  }
  be.disposeData(parts.dataId)
  return out
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
