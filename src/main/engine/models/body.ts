// The shared stack: N blocks and (unless the description says otherwise) a final layer norm. Encoders run it bidirectionally,
// decoders with a causal mask.
import type * as tf from '@tensorflow/tfjs-core'
import { layerNorm } from '../ops'
import { param, type Params } from '../params'
import { blockShapes, transformerBlock, type WeightKind } from './block'
import type { AttentionMasks, ForwardContext, ModelDims } from './types'

/** Names and shapes of the stack's weights. */
export function bodyShapes(dims: ModelDims): [string, number[], WeightKind][] {
  const s: [string, number[], WeightKind][] = []
  for (let i = 0; i < dims.nLayers; i++) s.push(...blockShapes(i, dims))
  if (dims.finalLn !== false) s.push(['final_ln/gamma', [dims.dModel], 'g'], ['final_ln/beta', [dims.dModel], 'b'])
  return s
}

/**
 * x [B, T, D] -> [B, T, D] through every block and the final norm; with `firstOnly` -> [B, 1, D], position 0
 * only (the last block computes just that row: exact when nothing else reads the other rows).
 */
export function runBody(x: tf.Tensor, masks: AttentionMasks, params: Params, dims: ModelDims, ctx: ForwardContext, firstOnly = false): tf.Tensor {
  for (let i = 0; i < dims.nLayers; i++) x = transformerBlock(x, masks, params, i, dims, ctx, firstOnly && i === dims.nLayers - 1)
  return dims.finalLn === false ? x : layerNorm(x, param(params, 'final_ln/gamma'), param(params, 'final_ln/beta'), dims.lnEps ?? 1e-5)
}
