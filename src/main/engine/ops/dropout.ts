// Inverted dropout with a seeded mask built in one JS pass (a 32-bit xorshift gives two 16-bit draws),
// which is several times cheaper on wasm than tf.randomUniform + compare + cast + scale.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'

/** Scaled keep-mask: each entry is 1/(1-rate) with probability 1-rate, else 0; reproducible for a given seed. */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const size = tf.util.sizeFromShape(shape)
  const mask = new Float32Array(size)
  const keep = 1 / (1 - rate)
  const threshold = Math.round(rate * 65536) // drop when a 16-bit draw is below this
  let s = (seed ^ 0x9e3779b9) | 0
  if (s === 0) s = 0x6d2b79f5
  for (let i = 0; i < size; i += 2) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5
    mask[i] = (s & 0xffff) >= threshold ? keep : 0
    if (i + 1 < size) mask[i + 1] = (s >>> 16) >= threshold ? keep : 0
  }
  return tf.tensor(mask, shape, 'float32')
}

/** Inverted dropout: x * mask / (1 - rate) during training; identity when rate is 0. Gradient is dy * mask. */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`)
  if (rate === 0) return x
  const mask = dropoutMask(x.shape, rate, seed)
  // The mask is saved (not just closed over): the forward pass's intermediates are disposed before backprop.
  const op = customOp(([xi], save) => {
    save([mask])
    return { value: tf.mul(xi!, mask), gradFunc: (dy, [m]) => [tf.mul(dy, m!)] }
  })
  return op(x)
}
