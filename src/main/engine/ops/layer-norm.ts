// Layer normalisation over the last axis with a closed-form gradient (one pass of simple ops instead
// of differentiating through moments, which records many more kernels). On wasm, forward and backward
// are each one fused JS pass over the rows (registered by backend-fixes).
import * as tf from '@tensorflow/tfjs-core'
import { customOp, dim } from './custom-op'
import { hasKernel, registerJsKernel, runKernel, type JsKernelArgs } from './js-kernel'
import { sumRows } from './matmul'
import { heapF32, offsetOf } from './wasm-heap'
import { simdKernels } from './wasm-simd'

const LN = 'AwLayerNorm'
const LN_GRAD = 'AwLayerNormGrad'

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta; gamma, beta: [D]. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  const d = dim(x, -1)
  const fused = hasKernel(LN) && x.dtype === 'float32'
  const op = customOp(([xi, g, b], save) => {
    if (!xi || !g || !b) throw new Error('layerNorm: missing input')
    if (fused) {
      const [y, xhat, rstd] = runKernel(LN, { x: xi, gamma: g, beta: b }, { eps }) as tf.Tensor[]
      save([xhat!, rstd!, g])
      return {
        value: y!,
        gradFunc: (dy, [xh, r, gs]) => runKernel(LN_GRAD, { dy, xhat: xh!, rstd: r!, gamma: gs! }) as tf.Tensor[],
      }
    }
    const x2 = tf.reshape(xi, [-1, d]) // [..., D] -> [N, D]
    const xc = tf.sub(x2, tf.mean(x2, 1, true))
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), 1, true), eps)) // [N, 1]
    const xhat = tf.mul(xc, rstd) // [N, D]
    save([xhat, rstd, g])
    return {
      value: tf.reshape(tf.add(tf.mul(xhat, g), b), xi.shape),
      gradFunc: (dy, [xh, r, gs]) => {
        if (!xh || !r || !gs) throw new Error('layerNorm: saved tensors missing')
        const dy2 = tf.reshape(dy, [-1, d]) // [N, D]
        const dxhat = tf.mul(dy2, gs)
        // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
        const dx = tf.mul(r, tf.sub(tf.sub(dxhat, tf.mean(dxhat, 1, true)), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), 1, true))))
        return [tf.reshape(dx, dy.shape), sumRows(tf.mul(dy2, xh)), sumRows(dy2)]
      },
    }
  })
  return op(x, gamma, beta)
}

/** Registers the fused forward and backward kernels on the wasm backend. */
export function registerLayerNormKernels(): void {
  registerJsKernel(LN, layerNormKernel)
  registerJsKernel(LN_GRAD, layerNormGradKernel)
}

// x [..., D] -> y [..., D], xhat [N, D], rstd [N].
function layerNormKernel({ inputs, backend: be, attrs }: JsKernelArgs): tf.TensorInfo[] {
  const eps = attrs.eps as number
  const shape = inputs.x!.shape
  const d = shape[shape.length - 1]!
  const n = tf.util.sizeFromShape(shape) / d
  const outs = [be.makeOutput(shape, 'float32'), be.makeOutput([n, d], 'float32'), be.makeOutput([n], 'float32')]
  const simd = d % 4 === 0 ? simdKernels(be) : null
  if (simd) {
    const [yo, xho, rso] = outs.map((o) => offsetOf(be, o)) as [number, number, number]
    simd.layerNormForward(offsetOf(be, inputs.x!), offsetOf(be, inputs.gamma!), offsetOf(be, inputs.beta!), yo, xho, rso, n, d, eps)
    return outs
  }
  const [y, xh, rs] = outs.map((o) => heapF32(be, o)) as [Float32Array, Float32Array, Float32Array]
  const x = heapF32(be, inputs.x!), g = heapF32(be, inputs.gamma!), b = heapF32(be, inputs.beta!)
  for (let r = 0, o = 0; r < n; r++, o += d) {
    let sum = 0
    for (let j = 0; j < d; j++) sum += x[o + j]!
    const mean = sum / d
    let sq = 0
    for (let j = 0; j < d; j++) { const c = x[o + j]! - mean; sq += c * c }
    const rstd = 1 / Math.sqrt(sq / d + eps)
    rs[r] = rstd
    for (let j = 0; j < d; j++) {
      const h = (x[o + j]! - mean) * rstd
      xh[o + j] = h
      y[o + j] = h * g[j]! + b[j]!
    }
  }
  return outs
}

// dy [..., D], xhat [N, D], rstd [N], gamma [D] -> dx [..., D], dgamma [D], dbeta [D].
function layerNormGradKernel({ inputs, backend: be }: JsKernelArgs): tf.TensorInfo[] {
  const shape = inputs.dy!.shape
  const d = shape[shape.length - 1]!
  const n = tf.util.sizeFromShape(shape) / d
  const outs = [be.makeOutput(shape, 'float32'), be.makeOutput([d], 'float32'), be.makeOutput([d], 'float32')]
  const simd = d % 4 === 0 ? simdKernels(be) : null
  if (simd) {
    const [dxo, dgo, dbo] = outs.map((o) => offsetOf(be, o)) as [number, number, number]
    heapF32(be, outs[1]!).fill(0) // dgamma and dbeta are accumulated in place
    heapF32(be, outs[2]!).fill(0)
    simd.layerNormBackward(offsetOf(be, inputs.dy!), offsetOf(be, inputs.xhat!), offsetOf(be, inputs.rstd!), offsetOf(be, inputs.gamma!), dxo, dgo, dbo, n, d)
    return outs
  }
  const [dx, dgo, dbo] = outs.map((o) => heapF32(be, o)) as [Float32Array, Float32Array, Float32Array]
  const dy = heapF32(be, inputs.dy!), xh = heapF32(be, inputs.xhat!), rs = heapF32(be, inputs.rstd!), g = heapF32(be, inputs.gamma!)
  const dg = new Float64Array(d), db = new Float64Array(d)
  for (let r = 0, o = 0; r < n; r++, o += d) {
    let s1 = 0, s2 = 0
    for (let j = 0; j < d; j++) {
      const e = dy[o + j]!, h = xh[o + j]!
      const dh = e * g[j]!
      s1 += dh
      s2 += dh * h
      dg[j] += e * h
      db[j] += e
    }
    const rstd = rs[r]!, m1 = s1 / d, m2 = s2 / d
    // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
    for (let j = 0; j < d; j++) dx[o + j] = rstd * (dy[o + j]! * g[j]! - m1 - xh[o + j]! * m2)
  }
  dgo.set(dg)
  dbo.set(db)
  return outs
}
