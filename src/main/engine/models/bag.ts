// Bag-of-embeddings baseline (fastText-like): the mean of the token embeddings, then a linear head.
// Blind to word order by construction: a fast, strong reference on small data that shows what
// attention adds.
import type * as tf from '@tensorflow/tfjs-core'
import { dense, embeddingLookup } from '../ops'
import { param, type Params } from '../params'
import type { WeightKind } from './block'
import { trainingDropout } from './training-dropout'
import { poolMean } from './pooling'
import type { ForwardContext, ModelSpec } from './types'

/** Names and shapes of the baseline's weights. */
export function bagShapes(spec: ModelSpec): [string, number[], WeightKind][] {
  const { dims } = spec
  return [['embed/tok', [dims.vocabSize, dims.dModel], 'w'], ['head/w', [dims.dModel, spec.nClasses], 'w'], ['head/b', [spec.nClasses], 'b']]
}

/** ids [B, T], mask [B, T] -> class logits [B, C]. */
export function bagForward(spec: ModelSpec, params: Params, ids: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): tf.Tensor {
  const x = embeddingLookup(param(params, 'embed/tok'), ids) // [B, T] -> [B, T, D]
  const pooled = trainingDropout(poolMean(x, mask), spec.dims.dropout, ctx) // [B, T, D] -> [B, D]
  if (ctx.pooled) return pooled
  return dense(pooled, param(params, 'head/w'), param(params, 'head/b')) // [B, D] -> [B, C]
}
