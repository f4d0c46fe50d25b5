// Traces a saved table encoder (FT-Transformer, models/table.ts) into the neutral inference graph, line
// for line with the engine's forward pass (dropout off). The graph's inputs are what a bundle's runtime
// makes from a row of cells with the table prep:
//
//   ids    int32 [B, 1 + F]  0 for [CLS]; per numeric column 1 when missing, else 0; per categorical column
//                            its value id offset by the rows of the columns before it (one shared table)
//   values float32 [B, Fn]   the scaled numeric values (0 where missing); absent without numeric columns
//
// The missing flags pass through a two-row constant [[0], [1]] by gather, which turns the int ids into
// floats without a cast op.
import type { NamedArray } from '../tensor-file'
import type { ModelSpec } from '../models/types'
import { DIM, GraphBuilder } from './graph-ir'
import { traceClsEncoder, weightAccess, type TracedModel } from './trace-model'

/** Names of the table graph's inputs. */
export const tableGraphNames = { ids: 'ids', values: 'values' } as const

/** The value-id offset of each categorical column in the shared embedding table. */
export function categoryOffsets(sizes: number[]): number[] {
  const out: number[] = []
  let at = 0
  for (const s of sizes) {
    out.push(at)
    at += s + 2
  }
  return out
}

/** Builds the inference graph of a table classifier with its weights as constants. */
export function traceTableClassifier(spec: ModelSpec, weights: Map<string, NamedArray>): TracedModel {
  const { dims } = spec
  if (spec.head !== 'classify' || !dims.table) throw new Error('Only a table classifier can be traced as a table.')
  const t = dims.table
  const Fn = t.numeric.length
  const Fc = t.categorical.length
  const F = Fn + Fc
  const D = dims.dModel
  const g = new GraphBuilder()
  const access = weightAccess(g, weights)
  const { w } = access
  const ids = g.input(tableGraphNames.ids, [DIM.batch, 1 + F], 'int32')
  const values = Fn > 0 ? g.input(tableGraphNames.values, [DIM.batch, Fn], 'float32') : null

  const parts = [g.gather('embed', w('embed/cls'), g.slice('embed', ids, 1, 0, 1))] // [B, 1] of 0 -> [B, 1, D]
  if (values) {
    const x = g.reshape('embed/num', values, [DIM.batch, Fn, 1]) // [B, Fn] -> [B, Fn, 1]
    const flags = g.constant('embed/num/flags', [2, 1], Float32Array.from([0, 1]))
    const missing = g.gather('embed/num', flags, g.slice('embed/num', ids, 1, 1, 1 + Fn)) // [B, Fn] -> [B, Fn, 1], 1 = missing
    const present = g.binary('embed/num', 'add', g.binary('embed/num', 'mul', x, w('embed/num/w')), w('embed/num/b')) // [B, Fn, 1] * [Fn, D] + [Fn, D] -> [B, Fn, D]
    const kept = g.binary('embed/num', 'mul', present, g.binary('embed/num', 'sub', g.scalar(1), missing)) // [B, Fn, D]
    parts.push(g.binary('embed/num', 'add', kept, g.binary('embed/num', 'mul', missing, w('embed/num/missing')))) // [B, Fn, D]
  }
  if (Fc > 0) {
    const emb = g.gather('embed/cat', w('embed/cat/tok'), g.slice('embed/cat', ids, 1, 1 + Fn, 1 + F)) // [B, Fc] -> [B, Fc, D]
    parts.push(g.binary('embed/cat', 'add', emb, w('embed/cat/b'))) // [B, Fc, D] + [Fc, D]
  }
  const x = g.reshape('embed', g.concat('embed', parts, 1), [DIM.batch, DIM.seq, D]) // [B, 1 + F, D]; T = 1 + F from the ids input
  return traceClsEncoder(g, x, ids, 1 + F, dims, weights, access) // every column is a token (missing is a value)
}
