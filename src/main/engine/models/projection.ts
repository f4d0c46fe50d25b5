// A dense projection with an optional LoRA adapter: y = x W + b + (alpha / r) (x A) B.
// The adapter's B starts at zero, so adding adapters leaves the model's outputs unchanged
// until fine-tuning moves them.
import * as tf from '@tensorflow/tfjs-core'
import { dense } from '../ops'
import { param, type Params } from '../params'
import type { ForwardContext } from './types'

/** x [N, Din] -> [N, Dout] using weights `${name}`, `${name}_b` and, when present, `${name}_lora_a/_b`. */
export function projection(x: tf.Tensor, params: Params, name: string, ctx: ForwardContext): tf.Tensor {
  let y = dense(x, param(params, name), params.get(`${name}_b`)) // [N, Din] -> [N, Dout]
  const a = params.get(`${name}_lora_a`)
  const b = params.get(`${name}_lora_b`)
  if (a && b) {
    const low = dense(dense(x, a), b) // [N, Din] -> [N, r] -> [N, Dout]
    y = tf.add(y, tf.mul(low, ctx.loraScale))
  }
  return y
}
