// Inverted dropout with a seeded mask (a 32-bit xorshift gives two 16-bit draws per step), which is
// several times cheaper on wasm than tf.randomUniform + compare + cast + scale. On wasm the mask is
// never stored: one JS kernel draws it while scaling x, and the backward pass draws it again from the seed.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import { hasKernel, registerJsKernel, runKernel, type JsKernelArgs } from './js-kernel'
import { heapF32, offsetOf, type WasmBackendLike } from './wasm-heap'
import { simdKernels } from './wasm-simd'
import { xorshiftJump } from './xorshift-jump'

const DROPOUT = 'AwSeededDropout'

// out[i] = src[i] * keep (or keep when src is null) with probability 1 - rate, else 0, for the mask of `seed`.
// Four xorshift32 streams (seeded from one) each give two 16-bit draws per step: elements 8t + k and 8t + 4 + k
// take the low and high half of stream k's t-th draw, a layout the wasm SIMD kernel computes 4-wide (bit for bit
// the same: float32 x times float32 keep rounds identically in both). Branch-free (a two-entry table indexed
// by the draw's comparison): a random keep/drop branch mispredicts often enough to make the loop 3x slower.
function fillDropout(out: Float32Array, rate: number, seed: number, src: Float32Array | null, from = 0, state = dropoutState(seed)): void {
  const n = out.length
  const keep = dropoutKeep(rate) // the float32 mask value, so x * keep rounds as a float32 product would
  const threshold = dropoutThreshold(rate) // drop when a 16-bit draw is below this
  const scale = new Float64Array([keep, 0]) // index 1 = the draw is below the threshold
  const x = src ?? new Float32Array([1, 1])
  const stride = src ? 1 : 0 // a null src reads the constant 1
  for (let i = from; i < n; i += 8) {
    for (let k = 0; k < 4; k++) {
      let s = state[k]!
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5
      state[k] = s
      const lo = i + k, hi = i + 4 + k
      if (lo < n) out[lo] = x[lo * stride]! * scale[((s & 0xffff) - threshold) >>> 31]!
      if (hi < n) out[hi] = x[hi * stride]! * scale[((s >>> 16) - threshold) >>> 31]!
    }
  }
}

// The four stream states of `seed` (never zero: xorshift keeps a nonzero state nonzero).
function dropoutState(seed: number): Int32Array {
  let s = (seed ^ 0x9e3779b9) | 0
  if (s === 0) s = 0x6d2b79f5
  const state = new Int32Array(4)
  for (let k = 0; k < 4; k++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; state[k] = s }
  return state
}

// The first row of this process's slice of the batch: a data-parallel shard computes rows
// [rowOffset, rowOffset + B) of a larger batch, and its masks are those rows of the whole batch's masks.
let rowOffset = 0

/**
 * Runs fn with masks drawn as rows [offset, offset + B) of a batch whose row 0 is the shard's row -offset,
 * for every tensor whose first axis is the batch (all the models' dropout sites are). Synchronous only.
 */
export function withDropoutRowOffset<T>(offset: number, fn: () => T): T {
  const before = rowOffset
  rowOffset = offset
  try {
    return fn()
  } finally {
    rowOffset = before
  }
}

// Where the mask of a tensor of `shape` starts in the whole batch's mask: the stream states at the
// 8-element group holding that element, and how far into the group it is.
function shardStart(shape: number[], seed: number): { state: Int32Array; lead: number } {
  const state = dropoutState(seed)
  if (rowOffset === 0 || shape.length === 0 || shape[0] === 0) return { state, lead: 0 }
  const offset = rowOffset * (tf.util.sizeFromShape(shape) / shape[0]!)
  const group = Math.floor(offset / 8)
  for (let k = 0; k < 4; k++) state[k] = xorshiftJump(state[k]!, group)
  return { state, lead: offset - group * 8 }
}

// The mask for n elements starting `lead` elements into the group the state is at.
function shiftedMask(n: number, rate: number, seed: number, state: Int32Array, lead: number): Float32Array {
  const mask = new Float32Array(lead + n)
  fillDropout(mask, rate, seed, null, 0, state)
  return mask.subarray(lead)
}

const dropoutKeep = (rate: number): number => Math.fround(1 / (1 - rate))
const dropoutThreshold = (rate: number): number => Math.round(rate * 65536)

/** Scaled keep-mask: each entry is 1/(1-rate) with probability 1-rate, else 0; reproducible for a given seed. */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const { state, lead } = shardStart(shape, seed)
  const mask = shiftedMask(tf.util.sizeFromShape(shape), rate, seed, state, lead)
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

const stateScratch = new WeakMap<WasmBackendLike, number>()

// The SIMD module does the first multiple of 8 elements and hands its stream states to the JS loop for the rest.
function seededDropoutKernel({ inputs, backend: be, attrs }: JsKernelArgs): tf.TensorInfo {
  const out = be.makeOutput(inputs.x!.shape, 'float32')
  const rate = attrs.rate as number, seed = attrs.seed as number
  const simd = simdKernels(be)
  const { state, lead } = shardStart(inputs.x!.shape, seed)
  if (lead !== 0) { // a shard's slice that starts inside an 8-element group: the mask, then the product
    const mask = shiftedMask(tf.util.sizeFromShape(out.shape), rate, seed, state, lead)
    const x = heapF32(be, inputs.x!), o = heapF32(be, out)
    for (let i = 0; i < o.length; i++) o[i] = x[i]! * mask[i]!
    return out
  }
  let from = 0
  if (simd) {
    let ptr = stateScratch.get(be)
    if (ptr === undefined) { ptr = be.wasm._malloc(16); stateScratch.set(be, ptr) }
    be.wasm.HEAP32.set(state, ptr >> 2)
    from = tf.util.sizeFromShape(out.shape) & ~7
    simd.dropout(offsetOf(be, inputs.x!), offsetOf(be, out), from, ptr, dropoutThreshold(rate), dropoutKeep(rate))
    state.set(be.wasm.HEAP32.subarray(ptr >> 2, (ptr >> 2) + 4))
  }
  fillDropout(heapF32(be, out), rate, seed, heapF32(be, inputs.x!), from, state)
  return out
}
