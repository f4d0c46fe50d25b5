// Traces a saved image encoder (Vision Transformer, models/image.ts) into the neutral inference graph, line for
// line with the engine's forward pass (dropout off). The graph's one input is what a bundle's runtime makes from
// an image resized to the model's square (centre crop, then resize; see preprocessing.json):
//
//   pixels float32 [B, S*S*C]  row-major, channels last, 0..255 as decoded
//
// Patchify is a reshape, a transpose and a reshape, the patch projection a matmul; [CLS] is put in front by
// adding it to a zeroed slice of the patch tokens (no tile op with a run-time batch). Every patch is a token, so
// nothing is masked. The run-time batch and length are read from the tokens' shape (graph.dimsSource), since
// the input's second dimension is the pixel count, not the length.
import type { NamedArray } from '../tensor-file'
import type { ModelSpec } from '../models/types'
import { DIM, GraphBuilder } from './graph-ir'
import { traceClsEncoder, weightAccess, type TracedModel } from './trace-model'

/** Name of the image graph's input. */
export const imageGraphNames = { pixels: 'pixels' } as const

/** Builds the inference graph of an image classifier with its weights as constants. */
export function traceImageClassifier(spec: ModelSpec, weights: Map<string, NamedArray>): TracedModel {
  const { dims } = spec
  if (spec.head !== 'classify' || !dims.image) throw new Error('Only an image classifier can be traced as an image model.')
  const { size: S, channels: C, patch: P } = dims.image
  const G = S / P
  const N = G * G
  const D = dims.dModel
  const g = new GraphBuilder()
  const access = weightAccess(g, weights)
  const { w, dense } = access
  const pixels = g.input(imageGraphNames.pixels, [DIM.batch, S * S * C], 'float32')

  const scaled = g.binary('embed', 'sub', g.binary('embed', 'mul', pixels, g.scalar(2 / 255)), g.scalar(1)) // 0..255 -> [-1, 1]
  const grid = g.reshape('embed/patchify', scaled, [DIM.batch, G, P, G, P * C]) // [B, S*S*C] -> [B, G(i), P(r), G(j), P*C]
  const tiles = g.transpose('embed/patchify', grid, [0, 1, 3, 2, 4]) // -> [B, G(i), G(j), P(r), P*C]
  const patches = g.reshape('embed/patchify', tiles, [DIM.rest, P * P * C]) // -> [B*N, P*P*C]
  const projected = g.reshape('embed/patch', dense('embed/patch', patches, 'embed/patch', 'embed/patch_b'), [DIM.batch, N, D]) // [B*N, P*P*C] @ [P*P*C, D] + [D] -> [B, N, D]
  const rows = g.reshape('embed/pos', w('embed/pos_row'), [G, 1, D]) // [G, D] -> [G, 1, D]
  const cols = g.reshape('embed/pos', w('embed/pos_col'), [1, G, D]) // [G, D] -> [1, G, D]
  const positions = g.reshape('embed/pos', g.binary('embed/pos', 'add', rows, cols), [N, D]) // [G, G, D] -> [N, D]
  const tokens = g.binary('embed', 'add', projected, positions) // [B, N, D] + [N, D]
  const zero = g.binary('embed/cls', 'mul', g.slice('embed/cls', tokens, 1, 0, 1), g.scalar(0)) // [B, 1, D] of 0
  const cls = g.binary('embed/cls', 'add', zero, g.reshape('embed/cls', w('embed/cls'), [1, 1, D])) // [B, 1, D]
  const joined = g.concat('embed', [cls, tokens], 1) // [B, 1 + N, D]
  g.dimsSource = joined
  const x = g.reshape('embed', joined, [DIM.batch, DIM.seq, D]) // [B, T, D]; T = 1 + N read from the tokens
  // Every patch is a real token: no bias on the scores, and an all-ones mask for linear attention.
  const ones = g.binary('mask', 'add', g.binary('mask', 'mul', g.reshape('mask', g.slice('mask', x, 2, 0, 1), [DIM.batch, DIM.seq]), g.scalar(0)), g.scalar(1)) // [B, T]
  return traceClsEncoder(g, x, ones, 1 + N, dims, weights, access)
}
