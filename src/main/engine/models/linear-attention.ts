// Linear attention (Katharopoulos et al. 2020): softmax(Q K^T) is replaced by a kernel
// phi(Q) phi(K)^T with phi(x) = elu(x) + 1, so attention can be reassociated:
//
//   out_i = phi(q_i) (sum_j phi(k_j) v_j^T) / (phi(q_i) . sum_j phi(k_j))
//
// Cost (bidirectional, no weights requested): O(T * headDim^2) time and O(headDim^2) memory per head
// instead of O(T^2 * headDim) and O(T^2): it pays off when seqLen is well above headDim. The causal
// form and the visualisation path (when weights are requested) use the equivalent explicit T x T form,
// which costs as much as full attention. There is no attention dropout here: the weights are never
// materialised on the fast path, and both paths must compute the same function.
import * as tf from '@tensorflow/tfjs-core'
import { matMulBatched } from '../ops'
import type { Params } from '../params'
import { mergeAndProject, projectQkv } from './multi-head-attention'
import { allowedPairs } from './masks'
import type { AttentionMasks, ForwardContext, ModelDims } from './types'

const EPS = 1e-6

/** Kernel feature map phi(x) = elu(x) + 1 (positive, so the normaliser never vanishes). */
function featureMap(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.elu(x), 1)
}

/** Linear self-attention over x [B, T, D] -> [B, T, D]. */
export function linearAttention(
  x: tf.Tensor,
  masks: AttentionMasks,
  params: Params,
  prefix: string,
  dims: ModelDims,
  ctx: ForwardContext,
): tf.Tensor {
  const [B, T] = x.shape as [number, number, number]
  const { nHeads: H, nKvHeads: Hkv, headDim: Dh } = dims
  const g = H / Hkv
  const { q, k, v } = projectQkv(x, params, prefix, dims, ctx)
  const phiQ = tf.reshape(featureMap(q), [B, Hkv, g * T, Dh]) // [B, H, T, Dh] -> [B, Hkv, g*T, Dh]
  const phiK = tf.mul(featureMap(k), tf.reshape(masks.pad, [B, 1, T, 1])) // [B, Hkv, T, Dh], padded keys zeroed

  if (!masks.causal && !ctx.attention) {
    const kv = matMulBatched(tf.transpose(phiK, [0, 1, 3, 2]), v) // [B, Hkv, Dh, T] @ [B, Hkv, T, Dh] -> [B, Hkv, Dh, Dh]
    const z = tf.sum(phiK, 2, true) // [B, Hkv, 1, Dh]
    const num = matMulBatched(phiQ, kv) // [B, Hkv, g*T, Dh] @ [B, Hkv, Dh, Dh] -> [B, Hkv, g*T, Dh]
    const den = tf.sum(tf.mul(phiQ, z), -1, true) // [B, Hkv, g*T, 1]
    const heads = tf.div(num, tf.add(den, EPS)) // [B, Hkv, g*T, Dh]
    return mergeAndProject(tf.reshape(heads, [B, H, T, Dh]), params, prefix, dims, ctx)
  }

  // Explicit form: A = phi(Q) phi(K)^T, masked, rows normalised.
  let a = tf.reshape(matMulBatched(phiQ, phiK, true), [B, H, T, T]) // [B, Hkv, g*T, T] -> [B, H, T, T]
  const allowed = allowedPairs(T, { ...dims, attention: 'full' }, masks.causal)
  if (allowed) a = tf.mul(a, tf.reshape(allowed, [1, 1, T, T]))
  const weights = tf.div(a, tf.add(tf.sum(a, -1, true), EPS)) // [B, H, T, T], rows sum to 1
  if (ctx.attention) ctx.attention.push(weights)
  const heads = matMulBatched(tf.reshape(weights, [B, Hkv, g * T, T]), v) // -> [B, Hkv, g*T, Dh]
  return mergeAndProject(tf.reshape(heads, [B, H, T, Dh]), params, prefix, dims, ctx)
}
