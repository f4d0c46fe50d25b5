// Inverted dropout with a seeded mask (a 32-bit xorshift gives two 16-bit draws per step), which is
// several times cheaper on wasm than tf.randomUniform + compare + cast + scale. On wasm the mask is
// never stored: one JS kernel draws it while scaling x, and the backward pass draws it again from the seed.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import { hasKernel, registerJsKernel, runKernel, type JsKernelArgs } from './js-kernel'
import { heapF32 } from './wasm-heap'

const DROPOUT = 'AwSeededDropout'

// out[i] = src[i] * keep (or keep when src is null) with probability 1 - rate, else 0, for the mask of `seed`.
// Branch-free (a two-entry table indexed by the draw's comparison): a random keep/drop branch mispredicts
// often enough to make the loop three times slower.
function fillDropout(out: Float32Array, rate: number, seed: number, src: Float32Array | null): void {
  const n = out.length
  const keep = Math.fround(1 / (1 - rate)) // the float32 mask value, so x * keep rounds as a float32 product would
  const threshold = Math.round(rate * 65536) // drop when a 16-bit draw is below this
  const scale = new Float64Array([keep, 0]) // index 1 = the draw is below the threshold
  const x = src ?? new Float32Array([1, 1])
  const stride = src ? 1 : 0 // a null src reads the constant 1
  let s = (seed ^ 0x9e3779b9) | 0
  if (s === 0) s = 0x6d2b79f5
  for (let i = 0; i < n; i += 2) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5
    out[i] = x[i * stride]! * scale[((s & 0xffff) - threshold) >>> 31]!
    if (i + 1 < n) out[i + 1] = x[(i + 1) * stride]! * scale[((s >>> 16) - threshold) >>> 31]!
  }
}

/** Scaled keep-mask: each entry is 1/(1-rate) with probability 1-rate, else 0; reproducible for a given seed. */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const mask = new Float32Array(tf.util.sizeFromShape(shape))
  fillDropout(mask, rate, seed, null)
  return tf.tensor(mask, shape, 'float32')
}

/** x * dropoutMask(x.shape, rate, seed), not differentiable (for ops that write their own gradient). */
export function applyDropoutMask(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (hasKernel(DROPOUT) && x.dtype === 'float32') return runKernel(DROPOUT, { x }, { rate, seed }) as tf.Tensor
  return tf.mul(x, dropoutMask(x.shape, rate, seed))
}

/** Inverted dropout: x * mask / (1 - rate) during training; identity when rate is 0. Gradient is dy * mask. */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`)
  if (rate === 0) return x
  if (hasKernel(DROPOUT) && x.dtype === 'float32') {
    // The mask is a pure function of (seed, position): the gradient redraws it instead of keeping it.
    const op = customOp(([xi]) => ({ value: applyDropoutMask(xi!, rate, seed), gradFunc: (dy) => [applyDropoutMask(dy, rate, seed)] }))
    return op(x)
  }
  const mask = dropoutMask(x.shape, rate, seed)
  // The mask is saved (not just closed over): the forward pass's intermediates are disposed before backprop.
  const op = customOp(([xi], save) => {
    save([mask])
    return { value: tf.mul(xi!, mask), gradFunc: (dy, [m]) => [tf.mul(dy, m!)] }
  })
  return op(x)
}

/** Registers the seeded dropout kernel on the wasm backend. */
export function registerDropoutKernels(): void {
  registerJsKernel(DROPOUT, seededDropoutKernel)
}

function seededDropoutKernel({ inputs, backend: be, attrs }: JsKernelArgs): tf.TensorInfo {
  const out = be.makeOutput(inputs.x!.shape, 'float32')
  fillDropout(heapF32(be, out), attrs.rate as number, attrs.seed as number, heapF32(be, inputs.x!))
  return out
}
