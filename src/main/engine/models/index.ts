// Builds the model a config asks for: resolved sizes, seeded weights, and a forward function.
import * as tf from '@tensorflow/tfjs-core'
import type { ModelConfig } from '../../../shared/config'
import { ParamBuilder, type Params } from '../params'
import { SeedStream } from '../rng'
import { bagForward, bagShapes } from './bag'
import { decoderForward, decoderShapes } from './decoder'
import { encoderForward, encoderShapes } from './encoder'
import { loraShapes } from './lora'
import type { ForwardContext, ModelDims, ModelSpec, TextModel } from './types'

export type { ModelDims, ModelSpec, TextModel, HeadKind, ForwardOptions } from './types'

/** Fills in derived sizes: headDim = dModel / nHeads, ffnDim 0 -> 4 dModel, nKvHeads 0 -> nHeads. */
export function resolveDims(m: ModelConfig, vocabSize: number): ModelDims {
  const nKvHeads = m.nKvHeads || m.nHeads
  if (m.dModel % m.nHeads !== 0) throw new Error(`dModel (${m.dModel}) must be divisible by nHeads (${m.nHeads})`)
  if (m.nHeads % nKvHeads !== 0) throw new Error(`nHeads (${m.nHeads}) must be a multiple of nKvHeads (${nKvHeads})`)
  return {
    arch: m.arch,
    vocabSize,
    dModel: m.dModel,
    nHeads: m.nHeads,
    nKvHeads,
    headDim: m.dModel / m.nHeads,
    nLayers: m.nLayers,
    ffnDim: m.ffnDim || 4 * m.dModel,
    maxLen: m.seqLen + 1,
    dropout: m.dropout,
    attnDropout: m.attnDropout,
    attention: m.attention,
    window: m.window,
    positional: m.positional,
    pooling: m.pooling,
  }
}

/** Names and shapes of every weight of a spec, in creation order. */
export function modelShapes(spec: ModelSpec) {
  const base = spec.dims.arch === 'bag' ? bagShapes(spec) : spec.dims.arch === 'decoder' ? decoderShapes(spec) : encoderShapes(spec)
  return [...base, ...loraShapes(spec)]
}

/** Creates a model with freshly initialised weights (same seed -> same weights on every backend). */
export function buildModel(spec: ModelSpec, seed: number): TextModel {
  if (spec.head === 'lm' && spec.dims.arch !== 'decoder') throw new Error('Only the decoder has a next-token head')
  if (spec.head === 'mlm' && spec.dims.arch !== 'encoder') throw new Error('Only the encoder has a masked-language-model head')
  const builder = new ParamBuilder(seed)
  const residualStd = 0.02 / Math.sqrt(2 * Math.max(1, spec.dims.nLayers))
  for (const [name, shape, kind] of modelShapes(spec)) {
    if (kind === 'g') builder.add(name, shape, { kind: 'ones' })
    else if (kind === 'b') builder.add(name, shape, { kind: 'zeros' })
    else if (kind === 'wOut') builder.add(name, shape, { kind: 'normal', std: residualStd })
    else if (kind === 'loraA') builder.add(name, shape, { kind: 'normal', std: 1 / Math.sqrt(shape[0]) })
    else builder.add(name, shape, { kind: 'normal', std: 0.02 })
  }
  return modelFromParams(spec, builder.params)
}

/** Wraps existing weights in a model (used when loading). */
export function modelFromParams(spec: ModelSpec, params: Params): TextModel {
  const forwardFn = spec.dims.arch === 'bag' ? bagForward : spec.dims.arch === 'decoder' ? decoderForward : encoderForward
  return {
    spec,
    params,
    forward(ids, mask, opts) {
      const ctx: ForwardContext = {
        training: opts.training,
        seeds: opts.training && opts.dropoutSeed !== undefined ? new SeedStream(opts.dropoutSeed) : null,
        loraScale: spec.lora ? spec.lora.alpha / spec.lora.rank : 0,
        attention: opts.returnAttention ? [] : null,
        positions: opts.positions ?? null,
        pooled: opts.pooled ?? false,
      }
      const logits = forwardFn(spec, params, ids, mask, ctx)
      return { logits, attention: ctx.attention ?? [] }
    },
  }
}

/** Runs a forward pass and keeps only the outputs (intermediates freed). */
export function forwardTidy(model: TextModel, ids: tf.Tensor, mask: tf.Tensor, opts: Parameters<TextModel['forward']>[2]) {
  return tf.tidy(() => {
    const out = model.forward(ids, mask, opts)
    return [out.logits, ...out.attention]
  })
}
