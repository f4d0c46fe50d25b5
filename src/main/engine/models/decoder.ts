// Causal decoder (GPT-style): the same blocks with a causal mask. Pretrained by next-token
// prediction (head 'lm': logits over the vocabulary at every position); its body is then
// fine-tuned as a classifier from its last real token ('cls' pooling means "last" here) or the mean.
import * as tf from '@tensorflow/tfjs-core'
import { dense } from '../ops'
import { param, type Params } from '../params'
import type { WeightKind } from './block'
import { bodyShapes, runBody } from './body'
import { tokenEmbedding } from './embedding'
import { buildMasks } from './masks'
import { poolLast, poolMean } from './pooling'
import type { ForwardContext, ModelSpec } from './types'

/** Names and shapes of a decoder's weights (language-model head or classifier head). */
export function decoderShapes(spec: ModelSpec): [string, number[], WeightKind][] {
  const { dims } = spec
  // A tied language-model head reads the token embedding transposed and has no weights of its own.
  const head: [string, number[], WeightKind][] =
    spec.head === 'lm'
      ? dims.tiedLmHead ? [] : [['lm_head/w', [dims.dModel, dims.vocabSize], 'w'], ['lm_head/b', [dims.vocabSize], 'b']]
      : [['head/w', [dims.dModel, spec.nClasses], 'w'], ['head/b', [spec.nClasses], 'b']]
  return [...tokenEmbedding(dims).shapes(), ...bodyShapes(dims), ...head]
}

/** ids [B, T], mask [B, T] -> next-token logits [B, T, V] ('lm') or class logits [B, C]. */
export function decoderForward(spec: ModelSpec, params: Params, ids: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): tf.Tensor {
  const { dims } = spec
  const [B, T] = ids.shape as [number, number]
  const x = tokenEmbedding(dims).embed(ids, params, ctx) // [B, T] -> [B, T, D]
  const h = runBody(x, buildMasks(mask, dims, true), params, dims, ctx) // [B, T, D], position t sees 0..t
  if (spec.head === 'lm') {
    const flat = tf.reshape(h, [B * T, dims.dModel]) // [B, T, D] -> [B*T, D]
    const logits = dims.tiedLmHead
      ? dense(flat, tf.transpose(param(params, 'embed/tok'))) // [B*T, D] @ [D, V] -> [B*T, V]
      : dense(flat, param(params, 'lm_head/w'), param(params, 'lm_head/b')) // [B*T, D] -> [B*T, V]
    return tf.reshape(logits, [B, T, dims.vocabSize]) // -> [B, T, V]
  }
  const pooled = dims.pooling === 'mean' ? poolMean(h, mask) : poolLast(h, mask) // [B, T, D] -> [B, D]
  if (ctx.pooled) return pooled
  return dense(pooled, param(params, 'head/w'), param(params, 'head/b')) // [B, D] -> [B, C]
}
