// Multi-head self-attention (Vaswani et al. 2017) with a fused QKV projection and grouped K/V heads.
//
//   Attention(Q, K, V) = softmax(Q K^T / sqrt(headDim) + mask) V
//
// nKvHeads == nHeads is standard multi-head attention; nKvHeads == 1 is multi-query attention
// (Shazeer 2019); values between are grouped-query attention (Ainslie et al. 2023): the nHeads / nKvHeads
// query heads of a group share one K/V head, which shrinks the K/V projection and cache by that factor.
// The groups are laid out as [B, Hkv, g*T, Dh] so no K/V copy is ever made.
//
// Cost per layer: O(T^2 * dModel) time and O(B * nHeads * T^2) memory for the weights. The sliding-window
// variant uses this same code with a band mask (|i - j| <= window): it gives each token a local view
// (useful bias for long, locally structured text) but here still computes the full T x T scores, so its
// cost is that of full attention; a window >= seqLen is exactly full attention.
import * as tf from '@tensorflow/tfjs-core'
import { attention, dense } from '../ops'
import { param, type Params } from '../params'
import { projection } from './projection'
import type { AttentionMasks, ForwardContext, ModelDims } from './types'

/** Names and shapes of one attention layer's weights under `prefix`. */
export function attentionShapes(prefix: string, dims: ModelDims): [string, number[], 'w' | 'b' | 'wOut'][] {
  const { dModel: D, nHeads: H, nKvHeads: Hkv, headDim: Dh } = dims
  const qkvOut = (H + 2 * Hkv) * Dh
  return [
    [`${prefix}/qkv`, [D, qkvOut], 'w'],
    [`${prefix}/qkv_b`, [qkvOut], 'b'],
    [`${prefix}/out`, [D, D], 'wOut'],
    [`${prefix}/out_b`, [D], 'b'],
  ]
}

/**
 * Splits the fused projection of x [B, T, D] into q [B, H, T, Dh] and k, v [B, Hkv, T, Dh]; with `firstQueryOnly`
 * q is projected for position 0 alone, [B, H, 1, Dh] (the fused weight's q columns on B rows instead of B*T).
 */
export function projectQkv(x: tf.Tensor, params: Params, prefix: string, dims: ModelDims, ctx: ForwardContext, firstQueryOnly = false) {
  const [B, T, D] = x.shape as [number, number, number]
  const { nHeads: H, nKvHeads: Hkv, headDim: Dh } = dims
  if (firstQueryOnly && !params.get(`${prefix}/qkv_lora_a`)) {
    // The q | k v column blocks of the fused weight (their gradients are concatenated back into it).
    const [wq, wkv] = tf.split(param(params, `${prefix}/qkv`), [H * Dh, 2 * Hkv * Dh], 1) // [D, H Dh], [D, 2 Hkv Dh]
    const [bq, bkv] = tf.split(param(params, `${prefix}/qkv_b`), [H * Dh, 2 * Hkv * Dh], 0)
    const x0 = tf.reshape(tf.slice(x, [0, 0, 0], [B, 1, D]), [B, D]) // [B, T, D] -> [B, D]
    const q = tf.reshape(dense(x0, wq!, bq), [B, H, 1, Dh]) // [B, D] -> [B, H Dh] -> [B, H, 1, Dh]
    const kv = dense(tf.reshape(x, [B * T, D]), wkv!, bkv) // [B*T, D] -> [B*T, 2 Hkv Dh]
    const kvHeads = tf.transpose(tf.reshape(kv, [B, T, 2 * Hkv, Dh]), [0, 2, 1, 3]) // -> [B, 2 Hkv, T, Dh]
    const [k, v] = tf.split(kvHeads, [Hkv, Hkv], 1) // [B, Hkv, T, Dh] each
    return { q, k: k!, v: v! }
  }
  const qkv = projection(tf.reshape(x, [B * T, D]), params, `${prefix}/qkv`, ctx) // [B*T, D] -> [B*T, (H + 2 Hkv) Dh]
  // One 4-D transpose of all heads, then a split into per-batch contiguous slabs (a few large copies; splitting
  // first would copy 3 B*T short rows, and its gradient would concatenate them back row by row).
  const heads = tf.transpose(tf.reshape(qkv, [B, T, H + 2 * Hkv, Dh]), [0, 2, 1, 3]) // -> [B, H + 2 Hkv, T, Dh]
  const [q, k, v] = tf.split(heads, [H, Hkv, Hkv], 1) // [B, H, T, Dh], [B, Hkv, T, Dh], [B, Hkv, T, Dh]
  const qFirst = firstQueryOnly ? tf.slice(q!, [0, 0, 0, 0], [B, H, 1, Dh]) : q! // [B, H, T|1, Dh]
  return { q: qFirst, k: k!, v: v! }
}

/** Merges heads [B, H, T, Dh] back and applies the output projection -> [B, T, D]. */
export function mergeAndProject(heads: tf.Tensor, params: Params, prefix: string, dims: ModelDims, ctx: ForwardContext): tf.Tensor {
  const [B, , T] = heads.shape as [number, number, number, number]
  const D = dims.dModel
  const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [B * T, D]) // [B, H, T, Dh] -> [B*T, D]
  return tf.reshape(projection(merged, params, `${prefix}/out`, ctx), [B, T, D]) // [B*T, D] -> [B, T, D]
}

/**
 * Scaled dot-product self-attention over x [B, T, D] -> [B, T, D], or -> [B, 1, D] for the first query only
 * when `firstQueryOnly` (every key still attends; needs a mask bias of shape [B, 1, 1, T] or none).
 */
export function multiHeadAttention(
  x: tf.Tensor,
  masks: AttentionMasks,
  params: Params,
  prefix: string,
  dims: ModelDims,
  ctx: ForwardContext,
  firstQueryOnly = false,
): tf.Tensor {
  const { q, k, v } = projectQkv(x, params, prefix, dims, ctx, firstQueryOnly) // q [B, H, T|1, Dh]
  // Attention dropout draws its seed at the same point of the step's seed stream as models/training-dropout would.
  const rate = ctx.training && ctx.seeds && dims.attnDropout > 0 ? dims.attnDropout : 0
  const seed = rate > 0 ? ctx.seeds!.next() : 0
  // q [B, H, T, Dh], k, v [B, Hkv, T, Dh] -> heads [B, H, T, Dh], weights [B, H, T, T] (rows sum to 1; + mask [B, 1, T|1, T])
  const { output: heads, weights } = attention(q, k, v, { maskBias: masks.bias, dropoutRate: rate, seed })
  if (ctx.attention) ctx.attention.push(weights)
  return mergeAndProject(heads, params, prefix, dims, ctx) // -> [B, T, D]
}
