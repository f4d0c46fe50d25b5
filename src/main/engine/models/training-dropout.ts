// Dropout with seeds drawn from the step's seed stream, so a replayed step drops the same units.
// The mask is built by the ops' seeded generator in one JS pass (tf.dropout draws each number through
// tf.randomUniform and then runs four kernels), the same on every backend.
import type * as tf from '@tensorflow/tfjs-core'
import { dropout as seededDropout } from '../ops'
import type { ForwardContext } from './types'

/** Inverted dropout during training; identity otherwise. */
export function trainingDropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  if (!ctx.training || rate <= 0 || !ctx.seeds) return x
  return seededDropout(x, rate, ctx.seeds.next())
}
