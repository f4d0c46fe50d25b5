// Input embeddings, kept apart from the block stack: anything that turns an input into [B, T, D]
// (token ids here; image patches or table features later) can feed the same encoder.
import * as tf from '@tensorflow/tfjs-core'
import { embeddingLookup } from '../ops'
import { param, type Params } from '../params'
import { dropout } from './dropout'
import type { WeightKind } from './block'
import type { ForwardContext, ModelDims } from './types'

/** Turns one kind of input into a sequence of dModel-wide vectors. */
export interface InputEmbedding<I> {
  /** Names and shapes of the weights this embedding owns. */
  shapes(): [string, number[], WeightKind][]
  /** input -> [B, T, D] */
  embed(input: I, params: Params, ctx: ForwardContext): tf.Tensor
}

/** Token + position embedding for int32 ids [B, T]. Weights `embed/tok` [V, D] and, if learned, `embed/pos` [maxLen, D]. */
export function tokenEmbedding(dims: ModelDims): InputEmbedding<tf.Tensor> {
  return {
    shapes() {
      const s: [string, number[], WeightKind][] = [['embed/tok', [dims.vocabSize, dims.dModel], 'w']]
      if (dims.positional === 'learned') s.push(['embed/pos', [dims.maxLen, dims.dModel], 'w'])
      return s
    },
    embed(ids, params, ctx) {
      const [, T] = ids.shape as [number, number]
      if (T > dims.maxLen) throw new Error(`Sequence of ${T} tokens is longer than the model's ${dims.maxLen}`)
      const tok = embeddingLookup(param(params, 'embed/tok'), ids) // [B, T] -> [B, T, D]
      const pos =
        dims.positional === 'learned'
          ? tf.slice(param(params, 'embed/pos'), [0, 0], [T, dims.dModel]) // [maxLen, D] -> [T, D]
          : sinusoidalPositions(T, dims.dModel) // [T, D]
      return dropout(tf.add(tok, pos), dims.dropout, ctx) // [B, T, D] + [T, D]
    },
  }
}

/** Fixed sine/cosine positions (Vaswani et al. 2017): PE[t, 2i] = sin(t / 10000^(2i/D)), PE[t, 2i+1] = cos(...). */
export function sinusoidalPositions(T: number, D: number): tf.Tensor {
  const pe = new Float32Array(T * D)
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < D; i += 2) {
      const angle = t / Math.pow(10000, i / D)
      pe[t * D + i] = Math.sin(angle)
      if (i + 1 < D) pe[t * D + i + 1] = Math.cos(angle)
    }
  }
  return tf.tensor2d(pe, [T, D])
}
