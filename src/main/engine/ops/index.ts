// Tensor ops the engine's models call for their heavy work. This first version is plain tfjs-core;
// the same signatures get fast paths (custom gradients, wasm kernel gap-fillers) without callers changing.
import * as tf from '@tensorflow/tfjs-core'

/** 2-D dense layer: x [N, Din] @ w [Din, Dout] (+ b [Dout]) -> [N, Dout]. */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const y = tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D) // [N, Din] @ [Din, Dout] -> [N, Dout]
  return b ? tf.add(y, b) : y
}

/** Batched matmul for attention: a [..., M, K] @ b [..., K, N] (or b [..., N, K] with transposeB). */
export function matMulBatched(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  return tf.matMul(a, b, false, transposeB)
}

/** GELU activation (tanh approximation in this plain version). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = Math.sqrt(2 / Math.PI)
    const inner = tf.mul(c, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)))
  })
}

/** Looks up rows of an embedding table: table [V, D], ids int32 [B, T] -> [B, T, D]. */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [b, t] = ids.shape
    const rows = tf.gather(table, tf.reshape(ids, [-1])) // [B*T, D]
    return tf.reshape(rows, [b, t, table.shape[1] as number]) // [B*T, D] -> [B, T, D]
  })
}

/** Layer normalisation over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true)
    const norm = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)))
    return tf.add(tf.mul(norm, gamma), beta)
  })
}

/** Softmax over the last axis. */
export function softmax(x: tf.Tensor): tf.Tensor {
  return tf.softmax(x)
}

/** Registers kernels/gradients a backend lacks; call once after tf.setBackend(). Idempotent. */
export function registerBackendFixes(backendName: string): void {
  void backendName
}
