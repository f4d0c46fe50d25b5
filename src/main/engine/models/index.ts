// Builds the model a spec asks for: seeded weights and a forward function, through the model registry.
import * as tf from '@tensorflow/tfjs-core'
import { ParamBuilder, type Params } from '../params'
import { SeedStream } from '../rng'
import { checkSpec, engineFor, modelShapes } from './registry'
import type { ForwardContext, ForwardOptions, ModelSpec, TextModel } from './types'

export type { ModelDims, ModelSpec, TextModel, HeadKind, ForwardOptions } from './types'
export { resolveDims } from '../../../shared/models'
export { modelShapes } from './registry'

/** Creates a model with freshly initialised weights (same seed -> same weights on every backend). */
export function buildModel(spec: ModelSpec, seed: number): TextModel {
  checkSpec(spec)
  const builder = new ParamBuilder(seed)
  const residualStd = 0.02 / Math.sqrt(2 * Math.max(1, spec.dims.nLayers))
  for (const [name, shape, kind] of modelShapes(spec)) {
    if (kind === 'g') builder.add(name, shape, { kind: 'ones' })
    else if (kind === 'b') builder.add(name, shape, { kind: 'zeros' })
    else if (kind === 'wOut') builder.add(name, shape, { kind: 'normal', std: residualStd })
    else if (kind === 'loraA' || kind === 'lecun') builder.add(name, shape, { kind: 'normal', std: 1 / Math.sqrt(shape[0]) })
    else builder.add(name, shape, { kind: 'normal', std: 0.02 })
  }
  return modelFromParams(spec, builder.params)
}

/** Wraps existing weights in a model (used when loading). */
export function modelFromParams(spec: ModelSpec, params: Params): TextModel {
  checkSpec(spec)
  const forwardFn = engineFor(spec.dims.arch).forward
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
        lastBlockShortcut: opts.lastBlockShortcut ?? true,
      }
      const logits = forwardFn(spec, params, ids, mask, ctx)
      return { logits, attention: ctx.attention ?? [] }
    },
  }
}

/** The same model with some forward options defaulted (a caller's options still win). */
export function withForwardDefaults(model: TextModel, defaults: Partial<ForwardOptions>): TextModel {
  return { spec: model.spec, params: model.params, forward: (ids, mask, opts) => model.forward(ids, mask, { ...defaults, ...opts }) }
}

/** Runs a forward pass and keeps only the outputs (intermediates freed). */
export function forwardTidy(model: TextModel, ids: tf.Tensor, mask: tf.Tensor, opts: Parameters<TextModel['forward']>[2]) {
  return tf.tidy(() => {
    const out = model.forward(ids, mask, opts)
    return [out.logits, ...out.attention]
  })
}
