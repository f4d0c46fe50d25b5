// Table encoder: FT-Transformer (Gorishniy et al. 2021, "Revisiting Deep Learning Models for Tabular Data").
// Every feature column becomes one token, a [CLS] token is put in front, the same bidirectional blocks as the
// text encoder mix them, and a linear head reads [CLS].
//
//   numeric column j:      token_j = x_j * W_j + b_j          (x_j robust-scaled; a learned vector M_j if missing)
//   categorical column j:  token_j = E_j[id] + b_j            (id 0 = missing, 1 = other / unseen, 2.. = values)
//
// The two inputs of the registry's forward are read as a table row: `ids` int32 [B, F] holds, per column,
// 0 / 1 (present / missing) for numeric columns and the value id for categorical ones; `values` float32
// [B, F] holds the scaled numeric values (0 where missing, ignored for categorical columns). Columns are
// in the order of dims.table: numeric first, then categorical (src/shared/table-prep.ts encodes rows so).
import * as tf from '@tensorflow/tfjs-core'
import { dense, embeddingLookup } from '../ops'
import { param, type Params } from '../params'
import type { WeightKind } from './block'
import { bodyShapes, runBody } from './body'
import { trainingDropout } from './training-dropout'
import { buildMasks } from './masks'
import { poolFirst } from './pooling'
import type { ForwardContext, ModelDims, ModelSpec, TableColumns } from './types'

function columnsOf(dims: ModelDims): TableColumns {
  if (!dims.table) throw new Error('The table model needs the columns of its table (dims.table).')
  return dims.table
}

/** Names and shapes of the table encoder's weights: column tokenizer, [CLS], blocks, head. */
export function tableShapes(spec: ModelSpec): [string, number[], WeightKind][] {
  const { dims } = spec
  const D = dims.dModel
  const t = columnsOf(dims)
  const Fn = t.numeric.length
  const Fc = t.categorical.length
  // Column biases start random (normal, 'w'), not zero: they are what tells columns apart (there are no positions).
  const s: [string, number[], WeightKind][] = [['embed/cls', [1, D], 'w']]
  if (Fn > 0) s.push(['embed/num/w', [Fn, D], 'w'], ['embed/num/b', [Fn, D], 'w'], ['embed/num/missing', [Fn, D], 'w'])
  if (Fc > 0) s.push(['embed/cat/tok', [t.categorical.reduce((n, c) => n + c.size + 2, 0), D], 'w'], ['embed/cat/b', [Fc, D], 'w'])
  return [...s, ...bodyShapes(dims), ['head/w', [D, spec.nClasses], 'w'], ['head/b', [spec.nClasses], 'b']]
}

/** ids int32 [B, F], values float32 [B, F] -> column tokens with [CLS] in front [B, 1 + F, D]. */
export function tableTokens(dims: ModelDims, params: Params, ids: tf.Tensor, values: tf.Tensor): tf.Tensor {
  const t = columnsOf(dims)
  const D = dims.dModel
  const Fn = t.numeric.length
  const Fc = t.categorical.length
  const [B, F] = ids.shape as [number, number]
  if (F !== Fn + Fc) throw new Error(`The table model reads ${Fn + Fc} columns, but the rows have ${F}.`)
  const parts: tf.Tensor[] = [tf.tile(tf.reshape(param(params, 'embed/cls'), [1, 1, D]), [B, 1, 1])] // [B, 1, D]
  if (Fn > 0) {
    const x = tf.reshape(tf.slice(values, [0, 0], [B, Fn]), [B, Fn, 1]) // [B, F] -> [B, Fn, 1]
    const missing = tf.reshape(tf.cast(tf.slice(ids, [0, 0], [B, Fn]), 'float32'), [B, Fn, 1]) // [B, Fn, 1], 1 = missing
    const present = tf.add(tf.mul(x, param(params, 'embed/num/w')), param(params, 'embed/num/b')) // [B, Fn, 1] * [Fn, D] + [Fn, D] -> [B, Fn, D]
    const absent = tf.mul(missing, param(params, 'embed/num/missing')) // [B, Fn, 1] * [Fn, D] -> [B, Fn, D]
    parts.push(tf.add(tf.mul(present, tf.sub(1, missing)), absent)) // [B, Fn, D]
  }
  if (Fc > 0) {
    // Each column's values have their own rows of one table: offset the column's ids by the rows before it.
    const offsets: number[] = []
    let at = 0
    for (const c of t.categorical) {
      offsets.push(at)
      at += c.size + 2
    }
    const global = tf.add(tf.slice(ids, [0, Fn], [B, Fc]), tf.tensor1d(offsets, 'int32')) // [B, Fc] + [Fc] -> [B, Fc]
    const emb = embeddingLookup(param(params, 'embed/cat/tok'), global) // [B, Fc] -> [B, Fc, D]
    parts.push(tf.add(emb, param(params, 'embed/cat/b'))) // [B, Fc, D] + [Fc, D]
  }
  return tf.concat(parts, 1) // [B, 1 + F, D]
}

/** ids int32 [B, F], values float32 [B, F] -> class logits [B, C] (or the pooled [CLS] [B, D]). */
export function tableForward(spec: ModelSpec, params: Params, ids: tf.Tensor, values: tf.Tensor, ctx: ForwardContext): tf.Tensor {
  if (spec.head !== 'classify') throw new Error('The table model only classifies.')
  const { dims } = spec
  const x = trainingDropout(tableTokens(dims, params, ids, values), dims.dropout, ctx) // [B, 1 + F, D]
  const [B, T] = x.shape as [number, number, number]
  const masks = buildMasks(tf.ones([B, T]), dims, false) // every column is present as a token (missing is a value)
  // Only [CLS] of the last block reaches the head: that block computes just its row unless maps are wanted.
  const firstOnly = ctx.lastBlockShortcut === true && !ctx.attention
  const h = runBody(x, masks, params, dims, ctx, firstOnly) // [B, 1 + F, D] (or [B, 1, D])
  const pooled = poolFirst(h) // [B, D]
  if (ctx.pooled) return pooled
  return dense(pooled, param(params, 'head/w'), param(params, 'head/b')) // [B, D] -> [B, C]
}

/**
 * Which columns the decision looked at: the last layer's [CLS] attention over the column tokens, averaged
 * over heads. attention: one [B, H, 1 + F, 1 + F] per layer -> [B, F] (each row sums to 1 minus [CLS]'s self-weight).
 */
export function columnAttention(attention: tf.Tensor[]): tf.Tensor {
  const last = attention[attention.length - 1]
  if (!last) throw new Error('No attention weights: run the forward pass with returnAttention.')
  const [B, H, T] = last.shape as [number, number, number, number]
  const cls = tf.slice(last, [0, 0, 0, 1], [B, H, 1, T - 1]) // [B, H, 1, F]: [CLS] query over the columns
  return tf.reshape(tf.mean(cls, 1), [B, T - 1]) // [B, H, 1, F] -> [B, F]
}
