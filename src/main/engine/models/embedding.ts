// Input embeddings, kept apart from the block stack: anything that turns an input into [B, T, D]
// (token ids here; image patches or table features later) can feed the same encoder.
import * as tf from '@tensorflow/tfjs-core'
import { dense, embeddingLookup, layerNorm } from '../ops'
import { param, type Params } from '../params'
import { trainingDropout } from './training-dropout'
import type { WeightKind } from './block'
import type { ForwardContext, ModelDims } from './types'

/** Turns one kind of input into a sequence of dModel-wide vectors. */
export interface InputEmbedding<I> {
  /** Names and shapes of the weights this embedding owns. */
  shapes(): [string, number[], WeightKind][]
  /** input -> [B, T, D] */
  embed(input: I, params: Params, ctx: ForwardContext): tf.Tensor
}

/**
 * Token + position embedding for int32 ids [B, T]. Weights `embed/tok` [V, E] and, if learned, `embed/pos` [maxLen, E]
 * (E = dModel unless dims.embedSize says otherwise). Pretrained bases add, as their description asks: a token-type row
 * `embed/type` (type 0), positions from `positionOffset`, a layer norm `embed/ln`, and a projection `embed/proj` E -> D.
 */
export function tokenEmbedding(dims: ModelDims): InputEmbedding<tf.Tensor> {
  const E = dims.embedSize ?? dims.dModel
  const offset = dims.positionOffset ?? 0
  return {
    shapes() {
      const s: [string, number[], WeightKind][] = [['embed/tok', [dims.vocabSize, E], 'w']]
      if (dims.positional === 'learned') s.push(['embed/pos', [dims.maxLen, E], 'w'])
      if (dims.typeVocab) s.push(['embed/type', [dims.typeVocab, E], 'w'])
      if (dims.embedLn) s.push(['embed/ln/gamma', [E], 'g'], ['embed/ln/beta', [E], 'b'])
      if (E !== dims.dModel) s.push(['embed/proj', [E, dims.dModel], 'w'], ['embed/proj_b', [dims.dModel], 'b'])
      return s
    },
    embed(ids, params, ctx) {
      const [B, T] = ids.shape as [number, number]
      if (T + offset > dims.maxLen) throw new Error(`Sequence of ${T} tokens is longer than the model's ${dims.maxLen - offset}`)
      const tok = embeddingLookup(param(params, 'embed/tok'), ids) // [B, T] -> [B, T, E]
      let pos =
        dims.positional === 'learned'
          ? tf.slice(param(params, 'embed/pos'), [offset, 0], [T, E]) // [maxLen, E] -> [T, E]
          : sinusoidalPositions(T, E) // [T, E]
      if (dims.typeVocab) pos = tf.add(pos, tf.slice(param(params, 'embed/type'), [0, 0], [1, E])) // + type 0: [T, E]
      let x = tf.add(tok, pos) // [B, T, E] + [T, E]
      if (dims.embedLn) x = layerNorm(x, param(params, 'embed/ln/gamma'), param(params, 'embed/ln/beta'), dims.lnEps ?? 1e-5)
      if (E !== dims.dModel) x = tf.reshape(dense(tf.reshape(x, [B * T, E]), param(params, 'embed/proj'), param(params, 'embed/proj_b')), [B, T, dims.dModel]) // [B*T, E] -> [B, T, D]
      return trainingDropout(x, dims.dropout, ctx) // [B, T, D]
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
