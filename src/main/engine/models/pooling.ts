// Turning a sequence [B, T, D] into one vector per input [B, D] for the classifier head.
import * as tf from '@tensorflow/tfjs-core'

/** The first position ([CLS]): [B, T, D] -> [B, D]. */
export function poolFirst(x: tf.Tensor): tf.Tensor {
  const [B, , D] = x.shape as [number, number, number]
  return tf.reshape(tf.slice(x, [0, 0, 0], [B, 1, D]), [B, D])
}

/** Mean over real (unpadded) positions: [B, T, D], mask [B, T] -> [B, D]. */
export function poolMean(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const [B, T] = mask.shape as [number, number]
  const m = tf.reshape(mask, [B, T, 1]) // [B, T] -> [B, T, 1]
  return tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(tf.sum(m, 1), 1)) // [B, D] / [B, 1]
}

/** The last real position (a causal decoder's summary of the whole input): [B, T, D] -> [B, D]. */
export function poolLast(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const [B, T] = mask.shape as [number, number]
  if (T === 1) return tf.reshape(x, [B, x.shape[2] as number]) // one position is the last (tfjs's oneHot needs depth >= 2)
  const last = tf.cast(tf.maximum(tf.sub(tf.sum(mask, 1), 1), 0), 'int32') // [B] index of the last real token
  const pick = tf.reshape(tf.cast(tf.oneHot(last, T), 'float32'), [B, T, 1]) // [B, T, 1]
  return tf.sum(tf.mul(x, pick), 1) // [B, D]
}
