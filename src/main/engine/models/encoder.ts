// Transformer encoder classifier (BERT-style): token + position embedding, bidirectional
// blocks, [CLS] or mean pooling, a linear head to class logits.
import * as tf from '@tensorflow/tfjs-core'
import { dense } from '../ops'
import { param, type Params } from '../params'
import type { WeightKind } from './block'
import { bodyShapes, runBody } from './body'
import { tokenEmbedding } from './embedding'
import { buildMasks } from './masks'
import { mlmHead, mlmHeadShapes } from './mlm-head'
import { poolFirst, poolMean } from './pooling'
import type { ForwardContext, ModelSpec } from './types'

/** Names and shapes of an encoder's weights: classifier head, or masked-language-model head when pretraining. */
export function encoderShapes(spec: ModelSpec): [string, number[], WeightKind][] {
  const { dims } = spec
  const head: [string, number[], WeightKind][] =
    spec.head === 'mlm' ? mlmHeadShapes(dims) : [['head/w', [dims.dModel, spec.nClasses], 'w'], ['head/b', [spec.nClasses], 'b']]
  return [...tokenEmbedding(dims).shapes(), ...bodyShapes(dims), ...head]
}

/** ids [B, T], mask [B, T] -> class logits [B, C] (or masked-token logits [N, V] for head 'mlm'). */
export function encoderForward(spec: ModelSpec, params: Params, ids: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): tf.Tensor {
  const { dims } = spec
  const x = tokenEmbedding(dims).embed(ids, params, ctx) // [B, T] -> [B, T, D]
  if (spec.head === 'mlm') {
    if (!ctx.positions) throw new Error('The masked-language-model head needs the masked positions')
    const full = runBody(x, buildMasks(mask, dims, false), params, dims, ctx) // [B, T, D]
    return mlmHead(full, ctx.positions, params) // [B, T, D] -> [N, V]
  }
  // Under [CLS] pooling only position 0 of the last block reaches the logits: that block computes just
  // its row (same logits and gradients, about a third less work for two blocks). Attention maps for
  // display need every row, and a band mask would need its rows sliced, so those keep the full pass.
  const firstOnly = ctx.lastBlockShortcut === true && dims.pooling !== 'mean' && dims.attention === 'full' && !ctx.attention
  const h = runBody(x, buildMasks(mask, dims, false), params, dims, ctx, firstOnly) // [B, T, D] (or [B, 1, D])
  const pooled = dims.pooling === 'mean' ? poolMean(h, mask) : poolFirst(h) // [B, T|1, D] -> [B, D]
  if (ctx.pooled) return pooled
  return dense(pooled, param(params, 'head/w'), param(params, 'head/b')) // [B, D] -> [B, C]
}
