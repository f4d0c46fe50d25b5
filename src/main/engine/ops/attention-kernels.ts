// JS kernels for the attention backward pass on wasm. Both write a transposed copy of an attention-sized
// matrix ([.., R, C] -> [.., C, R]) so that every product of the backward pass can put the small operand
// (K, Q, or dO: [T, Dh]) on the right, the side the backend repacks on each call, and reach its fast path.
import * as tf from '@tensorflow/tfjs-core'
import { hasKernel, registerJsKernel, runKernel, type JsKernelArgs } from './js-kernel'
import { heapF32, offsetOf } from './wasm-heap'
import { simdKernels } from './wasm-simd'

const SOFTMAX_GRAD_T = 'AwSoftmaxGradT'
const TRANSPOSE_LAST = 'AwTransposeLast'

/** Registers the kernels on the wasm backend. */
export function registerAttentionKernels(): void {
  registerJsKernel(SOFTMAX_GRAD_T, softmaxGradTKernel)
  registerJsKernel(TRANSPOSE_LAST, transposeLastKernel)
}

/**
 * Gradient of p = softmax(s) over the last axis: ds = p (dp - sum(dp p)), returned with its transpose.
 * dp, p: [..., R, C] -> [ds [..., R, C], dsT [..., C, R]].
 */
export function softmaxGradWithTranspose(dp: tf.Tensor, p: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (hasKernel(SOFTMAX_GRAD_T) && dp.dtype === 'float32') return runKernel(SOFTMAX_GRAD_T, { dp, p }) as [tf.Tensor, tf.Tensor]
  const ds = tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true)))
  return [ds, swapLast(ds)]
}

/** x [..., R, C] -> [..., C, R] (one blocked JS pass on wasm). */
export function transposeLastFast(x: tf.Tensor): tf.Tensor {
  if (hasKernel(TRANSPOSE_LAST) && x.dtype === 'float32') return runKernel(TRANSPOSE_LAST, { x }) as tf.Tensor
  return swapLast(x)
}

function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank
  return tf.transpose(x, [...Array(r - 2).keys(), r - 1, r - 2])
}

function transposedShape(shape: number[]): number[] {
  const s = shape.slice()
  const r = s.length
  ;[s[r - 2], s[r - 1]] = [s[r - 1]!, s[r - 2]!]
  return s
}

function softmaxGradTKernel({ inputs, backend: be }: JsKernelArgs): tf.TensorInfo[] {
  const shape = inputs.p!.shape
  const r = shape[shape.length - 2]!, c = shape[shape.length - 1]!
  const slices = tf.util.sizeFromShape(shape) / (r * c)
  const outs = [be.makeOutput(shape, 'float32'), be.makeOutput(transposedShape(shape), 'float32')]
  const simd = r % 4 === 0 && c % 4 === 0 ? simdKernels(be) : null
  if (simd) { // a 4-wide pass for ds, then a 4 x 4-blocked transpose
    const [dsO, dsTO] = outs.map((o) => offsetOf(be, o)) as [number, number]
    simd.softmaxGrad(offsetOf(be, inputs.dp!), offsetOf(be, inputs.p!), dsO, slices * r, c)
    simd.transpose(dsO, dsTO, slices, r, c)
    return outs
  }
  const [ds, dsT] = outs.map((o) => heapF32(be, o)) as [Float32Array, Float32Array]
  const dp = heapF32(be, inputs.dp!), p = heapF32(be, inputs.p!)
  for (let s = 0; s < slices; s++) {
    const base = s * r * c
    for (let i = 0; i < r; i++) {
      const row = base + i * c
      let dot = 0
      for (let j = 0; j < c; j++) dot += dp[row + j]! * p[row + j]!
      for (let j = 0, t = base + i; j < c; j++, t += r) {
        const v = p[row + j]! * (dp[row + j]! - dot)
        ds[row + j] = v
        dsT[t] = v
      }
    }
  }
  return outs
}

function transposeLastKernel({ inputs, backend: be }: JsKernelArgs): tf.TensorInfo {
  const shape = inputs.x!.shape
  const r = shape[shape.length - 2]!, c = shape[shape.length - 1]!
  const slices = tf.util.sizeFromShape(shape) / (r * c)
  const out = be.makeOutput(transposedShape(shape), 'float32')
  const simd = r % 4 === 0 && c % 4 === 0 ? simdKernels(be) : null
  if (simd) {
    simd.transpose(offsetOf(be, inputs.x!), offsetOf(be, out), slices, r, c)
    return out
  }
  const o = heapF32(be, out), x = heapF32(be, inputs.x!)
  const BLOCK = 32
  for (let s = 0; s < slices; s++) {
    const base = s * r * c
    for (let i0 = 0; i0 < r; i0 += BLOCK) {
      const i1 = Math.min(r, i0 + BLOCK)
      for (let j0 = 0; j0 < c; j0 += BLOCK) {
        const j1 = Math.min(c, j0 + BLOCK)
        for (let i = i0; i < i1; i++) {
          const row = base + i * c
          for (let j = j0, t = base + j0 * r + i; j < j1; j++, t += r) o[t] = x[row + j]!
        }
      }
    }
  }
  return out
}
