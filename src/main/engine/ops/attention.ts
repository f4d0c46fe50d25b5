// Scaled dot-product attention laid out for the fast paths: heads as [B, H, T, Dh] so both products
// are batched over B*H contiguous slices (one fast 2-D product each on wasm), the 1/sqrt(Dh) scale
// applied to q ([T, Dh]) rather than to the scores ([T, T]), and gradients that never use transpose flags.
import * as tf from '@tensorflow/tfjs-core'
import { matMulBatched } from './matmul'
import { dropout } from './dropout'

/** Options of attention(): an additive mask bias and dropout on the attention weights. */
export interface AttentionOptions {
  /** Added to the scores before softmax, broadcastable to [B, H, T, T]: 0 where allowed, a large negative where masked. */
  maskBias?: tf.Tensor
  /** Dropout rate on the attention weights (training only); needs `seed`. */
  dropoutRate?: number
  seed?: number
}

/** softmax(q k^T / sqrt(Dh) + maskBias) v for q, k, v [B, H, T, Dh]; returns the output [B, H, T, Dh] and weights [B, H, T, T]. */
export function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, opts: AttentionOptions = {}): { output: tf.Tensor; weights: tf.Tensor } {
  const headDim = q.shape[q.rank - 1]
  const qs = tf.mul(q, 1 / Math.sqrt(headDim)) // [B, H, T, Dh]
  let scores = matMulBatched(qs, k, true) // [B, H, T, Dh] @ [B, H, Dh, T] -> [B, H, T, T]
  if (opts.maskBias) scores = tf.add(scores, opts.maskBias)
  const weights = tf.softmax(scores) // [B, H, T, T]
  const rate = opts.dropoutRate ?? 0
  const dropped = rate > 0 ? dropout(weights, rate, opts.seed ?? 0) : weights
  const output = matMulBatched(dropped, v) // [B, H, T, T] @ [B, H, T, Dh] -> [B, H, T, Dh]
  return { output, weights }
}

/** Additive mask bias from a padding mask: mask [B, T] (1 = token, 0 = padding) -> [B, 1, 1, T] of 0 / -1e9. */
export function paddingMaskBias(mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [b, t] = mask.shape
    return tf.reshape(tf.mul(tf.sub(1, tf.cast(mask, 'float32')), -1e9), [b, 1, 1, t]) // [B, T] -> [B, 1, 1, T]
  })
}

/** Splits heads: x [B, T, H*Dh] -> [B, H, T, Dh]. */
export function splitHeads(x: tf.Tensor, nHeads: number): tf.Tensor {
  const [b, t, d] = x.shape
  return tf.transpose(tf.reshape(x, [b, t, nHeads, d / nHeads]), [0, 2, 1, 3]) // [B, T, H, Dh] -> [B, H, T, Dh]
}

/** Splits a fused QKV projection: qkv [B, T, 3*D] (q | k | v, heads inside each) -> q, k, v each [B, H, T, Dh]. */
export function splitQkv(qkv: tf.Tensor, nHeads: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [b, t, d3] = qkv.shape as [number, number, number]
  const headDim = d3 / 3 / nHeads
  // One 4-D transpose (fast on wasm; the 5-D one is ~50x slower), then a split into contiguous thirds.
  const heads = tf.transpose(tf.reshape(qkv, [b, t, 3 * nHeads, headDim]), [0, 2, 1, 3]) // -> [B, 3H, T, Dh]
  const parts = tf.split(tf.reshape(heads, [b, 3, nHeads * t * headDim]), 3, 1) // 3 x [B, 1, H*T*Dh]
  const [q, k, v] = parts.map((p) => tf.reshape(p, [b, nHeads, t, headDim])) // 3 x [B, H, T, Dh]
  return [q!, k!, v!]
}

/** Merges heads: x [B, H, T, Dh] -> [B, T, H*Dh]. */
export function mergeHeads(x: tf.Tensor): tf.Tensor {
  const [b, h, t, dh] = x.shape
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, t, h * dh]) // [B, H, T, Dh] -> [B, T, D]
}
