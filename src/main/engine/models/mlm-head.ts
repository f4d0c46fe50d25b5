// The masked-language-model head (Devlin et al. 2019): at each masked position a dense + GELU + layer-norm
// transform, then logits over the vocabulary through the token embedding itself (tied, transposed) plus a
// bias. Tying keeps the head small and makes pretraining shape the very embedding the classifier reads.
//
//   logits = LN(GELU(h W + b)) E^T + bias          h [N, D] at the masked positions, E = embed/tok [V, D]
import * as tf from '@tensorflow/tfjs-core'
import { dense, embeddingLookup, gelu, layerNorm } from '../ops'
import { param, type Params } from '../params'
import type { WeightKind } from './block'
import type { ModelDims } from './types'

/** Names and shapes of the head's own weights (the output matrix is embed/tok). */
export function mlmHeadShapes(dims: ModelDims): [string, number[], WeightKind][] {
  const D = dims.dModel
  return [
    ['mlm/dense', [D, D], 'w'],
    ['mlm/dense_b', [D], 'b'],
    ['mlm/ln/gamma', [D], 'g'],
    ['mlm/ln/beta', [D], 'b'],
    ['mlm/bias', [dims.vocabSize], 'b'],
  ]
}

/** True for weights that only the masked-language-model head uses (dropped when a classifier is fine-tuned). */
export function isMlmHeadWeight(name: string): boolean {
  return name.startsWith('mlm/')
}

/** h [B, T, D], positions int32 [N] (flat b * T + t) -> logits [N, V] at those positions. */
export function mlmHead(h: tf.Tensor, positions: tf.Tensor, params: Params): tf.Tensor {
  const [B, T, D] = h.shape as [number, number, number]
  // Only the masked rows reach the vocabulary projection: about 15% of B*T, the costly [*, V] product.
  const picked = embeddingLookup(tf.reshape(h, [B * T, D]), positions) // [B*T, D] -> [N, D]
  const t = layerNorm(gelu(dense(picked, param(params, 'mlm/dense'), param(params, 'mlm/dense_b'))), param(params, 'mlm/ln/gamma'), param(params, 'mlm/ln/beta'), 1e-5) // [N, D]
  const embT = tf.transpose(param(params, 'embed/tok')) // [V, D] -> [D, V]
  return dense(t, embT, param(params, 'mlm/bias')) // [N, D] -> [N, V]
}
