// One-pass AdamW update for the wasm backend: reads weight, gradient and both moments once and
// writes the three new tensors, instead of ~12 tfjs kernels (each a full pass and an allocation) per
// weight. The global gradient-norm clip factor is an input, so clipping costs one extra read of the
// gradients (the sum of squares) and no scaled copy of them.
import * as tf from '@tensorflow/tfjs-core'
import { hasKernel, registerJsKernel, runKernel, type JsKernelArgs } from './js-kernel'
import { heapF32 } from './wasm-heap'

const ADAMW = 'AwAdamW'
const SUM_SQUARES = 'AwSumSquares'

/** Hyperparameters of one update of one weight. */
export interface AdamWStep {
  /** Learning rate for this weight (schedule times its multiplier). */
  rate: number
  beta1: number
  beta2: number
  eps: number
  /** Decoupled weight decay for this weight (0 for biases and norms). */
  weightDecay: number
  /** 1 - beta1^t and 1 - beta2^t. */
  bc1: number
  bc2: number
}

/** Registers the kernels on the wasm backend. */
export function registerAdamWKernels(): void {
  registerJsKernel(ADAMW, adamwKernel)
  registerJsKernel(SUM_SQUARES, sumSquaresKernel)
}

/** True when the fused update runs on the active backend. */
export function hasFusedAdamW(): boolean {
  return hasKernel(ADAMW) && hasKernel(SUM_SQUARES)
}

/** Sum of squares of every element of x, as a scalar tensor (wasm only). */
export function sumSquares(x: tf.Tensor): tf.Scalar {
  return runKernel(SUM_SQUARES, { x }) as tf.Scalar
}

/**
 * AdamW (Loshchilov & Hutter) with the gradient multiplied by gradScale (the clip factor, a scalar tensor):
 * g' = s g; m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'^2; p = p (1 - rate wd) - rate (m / bc1) / (sqrt(v / bc2) + eps).
 * Returns the new [p, m, v] (wasm only).
 */
export function adamwUpdate(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, gradScale: tf.Tensor, h: AdamWStep): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return runKernel(ADAMW, { p, g, m, v, s: gradScale }, { ...h }) as [tf.Tensor, tf.Tensor, tf.Tensor]
}

function sumSquaresKernel({ inputs, backend: be }: JsKernelArgs): tf.TensorInfo {
  const out = be.makeOutput([], 'float32')
  const x = heapF32(be, inputs.x!)
  let acc = 0
  for (let i = 0; i < x.length; i++) acc += x[i]! * x[i]!
  heapF32(be, out)[0] = acc
  return out
}

function adamwKernel({ inputs, backend: be, attrs }: JsKernelArgs): tf.TensorInfo[] {
  const { rate, beta1: b1, beta2: b2, eps, weightDecay, bc1, bc2 } = attrs as unknown as AdamWStep
  const shape = inputs.p!.shape
  const outs = [be.makeOutput(shape, 'float32'), be.makeOutput(shape, 'float32'), be.makeOutput(shape, 'float32')]
  // Views after every allocation: makeOutput may grow (and detach) the heap.
  const [po, mo, vo] = outs.map((o) => heapF32(be, o)) as [Float32Array, Float32Array, Float32Array]
  const p = heapF32(be, inputs.p!), g = heapF32(be, inputs.g!), m = heapF32(be, inputs.m!), v = heapF32(be, inputs.v!)
  const s = heapF32(be, inputs.s!)[0]!
  const decay = 1 - rate * weightDecay
  const a1 = 1 - b1, a2 = 1 - b2, stepSize = rate / bc1, ibc2 = 1 / bc2
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]! * s
    const mi = b1 * m[i]! + a1 * gi
    const vi = b2 * v[i]! + a2 * gi * gi
    mo[i] = mi
    vo[i] = vi
    po[i] = p[i]! * decay - (stepSize * mi) / (Math.sqrt(vi * ibc2) + eps)
  }
  return outs
}
