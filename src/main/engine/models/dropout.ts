// Dropout with seeds drawn from the step's seed stream, so a replayed step drops the same units.
import * as tf from '@tensorflow/tfjs-core'
import type { ForwardContext } from './types'

/** Inverted dropout during training; identity otherwise. */
export function dropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  if (!ctx.training || rate <= 0 || !ctx.seeds) return x
  return tf.dropout(x, rate, undefined, ctx.seeds.next())
}
