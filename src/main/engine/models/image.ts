// Image encoder: a Vision Transformer (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words"). The image is
// cut into P x P patches, each flattened and projected to a token, a [CLS] token is put in front, learned row and
// column positions are added, the same bidirectional blocks as the text encoder mix the tokens, and a linear
// head reads [CLS].
//
//   patch (i, j):  token = flatten(pixels of rows iP..iP+P-1, columns jP..jP+P-1) W + b + row_i + col_j
//
// Row + column embeddings (2 G vectors for a G x G grid) instead of a G^2 table: fewer weights to learn from
// small image sets, and a patch's row and column are separate facts the attention can compare.
//
// The registry's forward takes two inputs; an image model reads the second: `pixels` float32 [B, S*S*C] (one
// image per row, row-major, channels last, values 0..255 as decoded). The first (`ids`) is not read. The network
// rescales pixels to [-1, 1] itself, so the whole preprocessing after resizing is part of the model (and of its
// export: a page hands it a canvas's bytes).
import * as tf from '@tensorflow/tfjs-core'
import { dense } from '../ops'
import { param, type Params } from '../params'
import type { WeightKind } from './block'
import { bodyShapes, runBody } from './body'
import { buildMasks } from './masks'
import { poolFirst } from './pooling'
import { trainingDropout } from './training-dropout'
import type { ForwardContext, ImageShape, ModelDims, ModelSpec } from './types'

function shapeOf(dims: ModelDims): ImageShape {
  if (!dims.image) throw new Error('The image model needs the size of its images (dims.image).')
  return dims.image
}

/** Names and shapes of the image encoder's weights: patch projection, [CLS], row and column positions, blocks, head. */
export function imageShapes(spec: ModelSpec): [string, number[], WeightKind][] {
  const { dims } = spec
  const D = dims.dModel
  const { size, channels, patch } = shapeOf(dims)
  const G = size / patch
  // The patch projection and positions start at a unit-ish scale (std 1 / sqrt(rows)) rather than the 0.02 of
  // token tables: tokens then differ by position from the first step, which small image sets need to learn
  // where things are (with 0.02 a two-mark task stayed at chance for 30 epochs).
  return [
    ['embed/patch', [patch * patch * channels, D], 'lecun'],
    ['embed/patch_b', [D], 'b'],
    ['embed/cls', [1, D], 'w'],
    ['embed/pos_row', [G, D], 'lecun'],
    ['embed/pos_col', [G, D], 'lecun'],
    ...bodyShapes(dims),
    ['head/w', [D, spec.nClasses], 'w'],
    ['head/b', [spec.nClasses], 'b'],
  ]
}

/**
 * Cuts images into patches: pixels [B, S*S*C] -> [B, G*G, P*P*C]. Patch n = i*G + j holds rows iP.., columns jP..;
 * inside it, pixel (r, c, ch) sits at ((r mod P) * P + c mod P) * C + ch.
 */
export function patchify(pixels: tf.Tensor, image: ImageShape): tf.Tensor {
  const { size: S, channels: C, patch: P } = image
  const G = S / P
  const [B, N] = pixels.shape as [number, number]
  if (N !== S * S * C) throw new Error(`The image model reads ${S} x ${S} x ${C} = ${S * S * C} values per image, but got ${N}.`)
  const grid = tf.reshape(pixels, [B, G, P, G, P * C]) // [B, S*S*C] -> [B, G(i), P(r), G(j), P*C(c, ch)]
  const tiles = tf.transpose(grid, [0, 1, 3, 2, 4]) // -> [B, G(i), G(j), P(r), P*C]
  return tf.reshape(tiles, [B, G * G, P * P * C]) // -> [B, N, P*P*C]
}

/** Positions of the patches: row_i + col_j for patch i*G + j -> [G*G, D]. */
export function patchPositions(params: Params, G: number, D: number): tf.Tensor {
  const rows = tf.reshape(param(params, 'embed/pos_row'), [G, 1, D]) // [G, D] -> [G, 1, D]
  const cols = tf.reshape(param(params, 'embed/pos_col'), [1, G, D]) // [G, D] -> [1, G, D]
  return tf.reshape(tf.add(rows, cols), [G * G, D]) // [G, G, D] -> [G*G, D]
}

/** pixels float32 [B, S*S*C] -> patch tokens with [CLS] in front [B, 1 + G*G, D]. */
export function imageTokens(dims: ModelDims, params: Params, pixels: tf.Tensor): tf.Tensor {
  const image = shapeOf(dims)
  const D = dims.dModel
  const G = image.size / image.patch
  const B = pixels.shape[0] as number
  const scaled = tf.sub(tf.mul(pixels, 2 / 255), 1) // 0..255 -> [-1, 1]
  const patches = dense(patchify(scaled, image), param(params, 'embed/patch'), param(params, 'embed/patch_b')) // [B, N, P*P*C] -> [B, N, D]
  const tokens = tf.add(patches, patchPositions(params, G, D)) // [B, N, D] + [N, D]
  const cls = tf.tile(tf.reshape(param(params, 'embed/cls'), [1, 1, D]), [B, 1, 1]) // [B, 1, D]
  return tf.concat([cls, tokens], 1) // [B, 1 + N, D]
}

/** pixels float32 [B, S*S*C] (the second input; the first is unused) -> class logits [B, C] (or the pooled [CLS] [B, D]). */
export function imageForward(spec: ModelSpec, params: Params, _ids: tf.Tensor, pixels: tf.Tensor, ctx: ForwardContext): tf.Tensor {
  if (spec.head !== 'classify') throw new Error('The image model only classifies.')
  const { dims } = spec
  const x = trainingDropout(imageTokens(dims, params, pixels), dims.dropout, ctx) // [B, 1 + N, D]
  const [B, T] = x.shape as [number, number, number]
  const masks = buildMasks(tf.ones([B, T]), dims, false) // every patch is a real token
  // Only [CLS] of the last block reaches the head: that block computes just its row unless maps are wanted.
  const firstOnly = ctx.lastBlockShortcut === true && !ctx.attention
  const h = runBody(x, masks, params, dims, ctx, firstOnly) // [B, 1 + N, D] (or [B, 1, D])
  const pooled = poolFirst(h) // [B, D]
  if (ctx.pooled) return pooled
  return dense(pooled, param(params, 'head/w'), param(params, 'head/b')) // [B, D] -> [B, C]
}

/**
 * What [CLS] looked at in the last layer, as a G x G map per image: attention [B, H, 1 + N, 1 + N] per layer ->
 * [B, N] (heads averaged; patch n = row * G + column).
 */
export function patchAttention(attention: tf.Tensor[]): tf.Tensor {
  const last = attention[attention.length - 1]
  if (!last) throw new Error('No attention weights: run the forward pass with returnAttention.')
  const [B, H, T] = last.shape as [number, number, number, number]
  const cls = tf.slice(last, [0, 0, 0, 1], [B, H, 1, T - 1]) // [B, H, 1, N]: [CLS] query over the patches
  return tf.reshape(tf.mean(cls, 1), [B, T - 1]) // [B, H, 1, N] -> [B, N]
}
