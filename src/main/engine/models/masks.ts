// Attention masks as additive biases: 0 where a query may look at a key, -1e9 where it may not,
// so softmax gives those keys exactly zero weight.
import * as tf from '@tensorflow/tfjs-core'
import type { AttentionMasks, ModelDims } from './types'

const NEG = -1e9

/** Builds the masks for one batch: padding always, causal for decoders, a band for sliding windows. */
export function buildMasks(pad: tf.Tensor, dims: ModelDims, causal: boolean): AttentionMasks {
  const [B, T] = pad.shape as [number, number]
  const keys = tf.reshape(tf.mul(tf.sub(1, pad), NEG), [B, 1, 1, T]) // [B, T] -> [B, 1, 1, T]
  const allowed = allowedPairs(T, dims, causal)
  const bias = allowed ? tf.add(keys, tf.reshape(tf.mul(tf.sub(1, allowed), NEG), [1, 1, T, T])) : keys // [B, 1, T, T] or [B, 1, 1, T]
  return { pad, bias, causal }
}

/** [T, T] matrix with 1 where query i may attend key j (causal and/or window), or null for all pairs. */
export function allowedPairs(T: number, dims: ModelDims, causal: boolean): tf.Tensor | null {
  const windowed = dims.attention === 'sliding' && dims.window < T - 1
  if (!causal && !windowed) return null
  const m = new Float32Array(T * T)
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      let ok = true
      if (causal && j > i) ok = false
      if (windowed && Math.abs(i - j) > dims.window) ok = false
      m[i * T + j] = ok ? 1 : 0
    }
  }
  return tf.tensor2d(m, [T, T])
}
