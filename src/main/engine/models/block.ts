// Transformer block. Pre-LN (Xiong et al. 2020, GPT-2, the engine's own models): normalise before each
// sub-layer, add the residual after.
//
//   x = x + Dropout(Attention(LN1(x)))
//   x = x + Dropout(W2 GELU(W1 LN2(x)))
//
// Post-LN (Vaswani et al. 2017, BERT) when dims.norm === 'post':
//
//   x = LN1(x + Dropout(Attention(x)))
//   x = LN2(x + Dropout(W2 GELU(W1 x)))
import * as tf from '@tensorflow/tfjs-core'
import { gelu, geluExact, layerNorm } from '../ops'
import { param, type Params } from '../params'
import { attentionShapes, multiHeadAttention } from './multi-head-attention'
import { trainingDropout } from './training-dropout'
import { linearAttention } from './linear-attention'
import { projection } from './projection'
import type { AttentionMasks, ForwardContext, ModelDims } from './types'

/**
 * Weight kinds: w = matrix, wOut = matrix feeding the residual (scaled-down init), b = zeros, g = ones,
 * lecun = matrix reading raw inputs (normal, std 1 / sqrt(rows): an image's patch projection and positions).
 */
export type WeightKind = 'w' | 'wOut' | 'b' | 'g' | 'lecun'

/** Names and shapes of block `i`'s weights. */
export function blockShapes(i: number, dims: ModelDims): [string, number[], WeightKind][] {
  const p = `block_${i}`
  const { dModel: D, ffnDim: F } = dims
  return [
    [`${p}/ln1/gamma`, [D], 'g'],
    [`${p}/ln1/beta`, [D], 'b'],
    ...attentionShapes(`${p}/attn`, dims),
    [`${p}/ln2/gamma`, [D], 'g'],
    [`${p}/ln2/beta`, [D], 'b'],
    [`${p}/ffn/w1`, [D, F], 'w'],
    [`${p}/ffn/w1_b`, [F], 'b'],
    [`${p}/ffn/w2`, [F, D], 'wOut'],
    [`${p}/ffn/w2_b`, [D], 'b'],
  ]
}

/**
 * One block over x [B, T, D] -> [B, T, D]. With `firstOnly` it returns only position 0, [B, 1, D]: the
 * attention of the first query over every key, then the residual and feed-forward of that row alone (for
 * a last block whose other rows nothing reads, as under [CLS] pooling). Full attention only.
 */
export function transformerBlock(x: tf.Tensor, masks: AttentionMasks, params: Params, i: number, dims: ModelDims, ctx: ForwardContext, firstOnly = false): tf.Tensor {
  const p = `block_${i}`
  const [B, T, D] = x.shape as [number, number, number]
  const eps = dims.lnEps ?? 1e-5
  const post = dims.norm === 'post'
  const ln = (t: tf.Tensor, n: 1 | 2) => layerNorm(t, param(params, `${p}/ln${n}/gamma`), param(params, `${p}/ln${n}/beta`), eps)
  const act = dims.gelu === 'erf' ? geluExact : gelu
  const h1 = post ? x : ln(x, 1) // [B, T, D]
  const attended = firstOnly
    ? multiHeadAttention(h1, masks, params, `${p}/attn`, dims, ctx, true) // [B, 1, D]
    : (dims.attention === 'linear' ? linearAttention : multiHeadAttention)(h1, masks, params, `${p}/attn`, dims, ctx) // [B, T, D]
  const rows = firstOnly ? 1 : T
  const residual = firstOnly ? tf.slice(x, [0, 0, 0], [B, 1, D]) : x // [B, T|1, D]
  x = tf.add(residual, trainingDropout(attended, dims.dropout, ctx)) // [B, T|1, D]
  if (post) x = ln(x, 1)
  const h2 = tf.reshape(post ? x : ln(x, 2), [B * rows, D]) // [B*T, D]
  const hidden = act(projection(h2, params, `${p}/ffn/w1`, ctx)) // [B*T, D] -> [B*T, F]
  const ffn = tf.reshape(projection(hidden, params, `${p}/ffn/w2`, ctx), [B, rows, D]) // [B*T, F] -> [B, T, D]
  const out = tf.add(x, trainingDropout(ffn, dims.dropout, ctx)) // [B, T|1, D]
  return post ? ln(out, 2) : out
}
