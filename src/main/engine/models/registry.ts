// The model registry, engine half: for each architecture id of src/shared/models.ts, its weight shapes
// and its forward pass. Initialisation is shared (buildModel in ./index.ts reads each weight's kind).
//
// How to add an architecture:
//   1. Register it in src/shared/models.ts (id, capabilities, description, summary position, cost model).
//   2. Write its file here, nanoGPT-style: `xShapes(spec)` (hierarchical names, `WeightKind` for the
//      initialiser) and `xForward(spec, params, ids, mask, ctx)`, reusing embedding / body / pooling.
//   3. Add it to `engineRegistry` below. The compiler refuses a registry that misses an id.
//   4. If it exports, make export/trace-model.ts trace it (it reads the registry's shared fields).
// A family variant (post-LN, erf GELU, token types, position offset, embedding norm or projection, tied LM
// head) is not an architecture: it sets ModelFamily fields in the dims; embedding, blocks and body read them.
// The export trace (export/trace-model.ts) reads the same fields.
import type * as tf from '@tensorflow/tfjs-core'
import { modelInfo, type Architecture } from '../../../shared/models'
import type { Params } from '../params'
import { bagForward, bagShapes } from './bag'
import type { WeightKind } from './block'
import { decoderForward, decoderShapes } from './decoder'
import { encoderForward, encoderShapes } from './encoder'
import { imageForward, imageShapes } from './image'
import { loraShapes } from './lora'
import { tableForward, tableShapes } from './table'
import type { ForwardContext, ModelSpec } from './types'

/** One weight: hierarchical name, shape, and how to initialise it. */
export type WeightShape = [string, number[], WeightKind | 'loraA']

/** What the engine needs of an architecture. */
export interface ArchitectureEngine {
  /** Names and shapes of the weights (adapters excluded), in creation order. */
  shapes(spec: ModelSpec): [string, number[], WeightKind][]
  /**
   * ids [B, T], mask [B, T] -> class logits [B, C], or next-token logits [B, T, V] for an 'lm' head. A model that
   * reads tables (ArchitectureInfo.reads) takes a row's value ids [B, F] and scaled numeric values [B, F] instead;
   * one that reads images takes its pixels [B, S*S*C] as the second input (the first is unused).
   */
  forward(spec: ModelSpec, params: Params, ids: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): tf.Tensor
}

/** The engine's entry for every registered architecture. */
export const engineRegistry: Record<Architecture, ArchitectureEngine> = {
  encoder: { shapes: encoderShapes, forward: encoderForward },
  decoder: { shapes: decoderShapes, forward: decoderForward },
  bag: { shapes: bagShapes, forward: bagForward },
  table: { shapes: tableShapes, forward: tableForward },
  image: { shapes: imageShapes, forward: imageForward },
}

/** The engine entry of an architecture. */
export function engineFor(arch: Architecture): ArchitectureEngine {
  const e = engineRegistry[arch]
  if (!e) throw new Error(`The engine has no model architecture "${String(arch)}".`)
  return e
}

/** Names and shapes of every weight of a spec, adapters included, in creation order. */
export function modelShapes(spec: ModelSpec): WeightShape[] {
  return [...engineFor(spec.dims.arch).shapes(spec), ...loraShapes(spec)]
}

/** Throws a readable error when a spec cannot be built (a head the architecture lacks). */
export function checkSpec(spec: ModelSpec): void {
  const info = modelInfo(spec.dims.arch)
  if (spec.head !== 'classify' && spec.head !== info.pretrain?.head) {
    throw new Error(`The ${info.name.toLowerCase()} has no ${spec.head === 'lm' ? 'next-token' : 'masked-language-model'} head.`)
  }
}
