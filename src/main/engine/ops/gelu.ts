// GELU for the feed-forward blocks. The tanh approximation 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))
// is computed through the identity 0.5(1 + tanh(z)) = sigmoid(2z), so it is the same function
// (identical to PyTorch's GELU(approximate='tanh')) without tanh, which is slow on wasm, while sigmoid is fast.
// Its distance to the exact erf GELU is below 5e-4 everywhere (checked in the tests).
// On wasm the arithmetic around the backend's sigmoid is fused into JS passes (registered by backend-fixes).
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import { hasKernel, registerJsKernel, runKernel, type JsKernelArgs } from './js-kernel'
import { heapF32, offsetOf } from './wasm-heap'
import { simdKernels } from './wasm-simd'

const C1 = 2 * Math.sqrt(2 / Math.PI) // 2 * sqrt(2/pi)
const C3 = C1 * 0.044715
const GELU = 'AwGelu'
const GELU_GRAD = 'AwGeluGrad'

/** GELU (tanh form, via sigmoid): y = x * sigmoid(C1 x + C3 x^3), with a hand-written gradient. */
export function gelu(x: tf.Tensor): tf.Tensor {
  const fused = hasKernel(GELU) && x.dtype === 'float32'
  const op = customOp(([xi], save) => {
    if (!xi) throw new Error('gelu: missing input')
    if (fused) {
      const [y, s] = runKernel(GELU, { x: xi }) as tf.Tensor[]
      save([xi, s!])
      return { value: y!, gradFunc: (dy, [xs, ss]) => [runKernel(GELU_GRAD, { dy, x: xs!, s: ss! }) as tf.Tensor] }
    }
    const x2 = tf.square(xi)
    const s = tf.sigmoid(tf.mul(xi, tf.add(tf.mul(x2, C3), C1))) // sigmoid(u), u = x (C1 + C3 x^2)
    const y = tf.mul(xi, s)
    const du = tf.add(tf.mul(x2, 3 * C3), C1) // u'(x) = C1 + 3 C3 x^2, cheap here because x^2 is at hand
    save([y, s, du])
    return {
      value: y,
      gradFunc: (dy, [ys, ss, dus]) => {
        if (!ys || !ss || !dus) throw new Error('gelu: saved tensors missing')
        // dy/dx = s + x s (1 - s) u' = s + (y - y s) u'
        return [tf.mul(dy, tf.add(ss, tf.mul(tf.sub(ys, tf.mul(ys, ss)), dus)))]
      },
    }
  })
  return op(x)
}

/** Reference GELU with the exact erf form, x * Phi(x); slower, used to check the fast one. */
export function geluExact(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))))
}

/** Registers the fused kernels on the wasm backend. */
export function registerGeluKernels(): void {
  const sigmoid = tf.getKernel(tf.Sigmoid, 'wasm')
  if (!sigmoid) return
  const sigmoidFn = sigmoid.kernelFunc as unknown as (a: { inputs: { x: tf.TensorInfo }; backend: unknown }) => tf.TensorInfo
  registerJsKernel(GELU, (args) => geluKernel(args, sigmoidFn))
  registerJsKernel(GELU_GRAD, geluGradKernel)
}

// x -> y = x s, s = sigmoid(u), u = x (C1 + C3 x^2). With the SIMD module: one 4-wide pass (its own exp) for
// every multiple of 4 and a JS tail; otherwise one JS pass for u, the backend's sigmoid, one JS pass for y.
function geluKernel({ inputs, backend: be }: JsKernelArgs, sigmoid: (a: { inputs: { x: tf.TensorInfo }; backend: unknown }) => tf.TensorInfo): tf.TensorInfo[] {
  const shape = inputs.x!.shape
  const simd = simdKernels(be)
  if (simd) {
    const y = be.makeOutput(shape, 'float32'), s = be.makeOutput(shape, 'float32')
    const n = tf.util.sizeFromShape(shape), n4 = n & ~3
    simd.geluForward(offsetOf(be, inputs.x!), offsetOf(be, y), offsetOf(be, s), n4)
    const yv = heapF32(be, y), sv = heapF32(be, s), x = heapF32(be, inputs.x!)
    for (let i = n4; i < n; i++) {
      const v = x[i]!, si = 1 / (1 + Math.exp(-v * (C1 + C3 * v * v)))
      sv[i] = si
      yv[i] = v * si
    }
    return [y, s]
  }
  const u = be.makeOutput(shape, 'float32')
  {
    const uv = heapF32(be, u), x = heapF32(be, inputs.x!)
    for (let i = 0; i < x.length; i++) { const v = x[i]!; uv[i] = v * (C1 + C3 * v * v) }
  }
  const s = sigmoid({ inputs: { x: u }, backend: be })
  be.disposeData(u.dataId)
  const y = be.makeOutput(shape, 'float32')
  const yv = heapF32(be, y), sv = heapF32(be, s), x = heapF32(be, inputs.x!)
  for (let i = 0; i < x.length; i++) yv[i] = x[i]! * sv[i]!
  return [y, s]
}

// dx = dy (s + x s (1 - s) (C1 + 3 C3 x^2)).
function geluGradKernel({ inputs, backend: be }: JsKernelArgs): tf.TensorInfo {
  const out = be.makeOutput(inputs.x!.shape, 'float32')
  const simd = simdKernels(be)
  const n4 = simd ? tf.util.sizeFromShape(out.shape) & ~3 : 0 // elements done 4-wide; JS does the rest
  if (simd) simd.geluBackward(offsetOf(be, inputs.dy!), offsetOf(be, inputs.x!), offsetOf(be, inputs.s!), offsetOf(be, out), n4)
  const o = heapF32(be, out), dy = heapF32(be, inputs.dy!), x = heapF32(be, inputs.x!), s = heapF32(be, inputs.s!)
  for (let i = n4; i < x.length; i++) {
    const v = x[i]!, si = s[i]!
    o[i] = dy[i]! * (si + v * si * (1 - si) * (C1 + 3 * C3 * v * v))
  }
  return out
}
