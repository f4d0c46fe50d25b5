// Training objectives.
// (one-hot is built as int32 then cast: the wasm backend's OneHot writes integer bits into float32 outputs.)
import * as tf from '@tensorflow/tfjs-core'

/**
 * Cross-entropy over classes with label smoothing and per-example weights:
 * logits [B, C], labels int32 [B], weights [B] -> weighted mean loss (sum w_i l_i / sum w_i).
 */
export function classificationLoss(logits: tf.Tensor, labels: tf.Tensor, weights: tf.Tensor | null, smoothing: number): tf.Scalar {
  const C = logits.shape[1] as number
  const logp = tf.logSoftmax(logits) // [B, C]
  const target = tf.add(tf.mul(tf.cast(tf.oneHot(labels, C), 'float32'), 1 - smoothing), smoothing / C) // [B, C]
  const perExample = tf.neg(tf.sum(tf.mul(target, logp), 1)) // [B]
  if (!weights) return tf.mean(perExample) as tf.Scalar
  return tf.div(tf.sum(tf.mul(perExample, weights)), tf.sum(weights)) as tf.Scalar
}

/**
 * Next-token prediction: logits [B, T, V] at position t predict ids[t + 1]; padding is ignored.
 * Returns the mean loss per predicted token.
 */
export function languageModelLoss(logits: tf.Tensor, ids: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  const [B, T, V] = logits.shape as [number, number, number]
  const pred = tf.reshape(tf.slice(logits, [0, 0, 0], [B, T - 1, V]), [B * (T - 1), V]) // positions 0..T-2
  const next = tf.reshape(tf.slice(ids, [0, 1], [B, T - 1]), [B * (T - 1)]) // targets 1..T-1
  const keep = tf.reshape(tf.slice(mask, [0, 1], [B, T - 1]), [B * (T - 1)]) // real target tokens
  const logp = tf.logSoftmax(pred) // [B*(T-1), V]
  const nll = tf.neg(tf.sum(tf.mul(tf.cast(tf.oneHot(next, V), 'float32'), logp), 1)) // [B*(T-1)]
  return tf.div(tf.sum(tf.mul(nll, keep)), tf.maximum(tf.sum(keep), 1)) as tf.Scalar
}

/** Masked-language-model loss: logits [N, V] at the masked positions, targets int32 [N] -> mean cross-entropy. */
export function maskedLmLoss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  const V = logits.shape[1] as number
  const logp = tf.logSoftmax(logits) // [N, V]
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.cast(tf.oneHot(targets, V), 'float32'), logp), 1))) as tf.Scalar // mean over N
}

/** 'balanced' class weights: n / (C * count_c), so each class contributes equally overall. */
export function balancedClassWeights(labels: number[], nClasses: number): Float32Array {
  const counts = new Array<number>(nClasses).fill(0)
  for (const y of labels) counts[y]++
  const w = new Float32Array(nClasses)
  for (let c = 0; c < nClasses; c++) w[c] = counts[c] ? labels.length / (nClasses * counts[c]) : 0
  return w
}
