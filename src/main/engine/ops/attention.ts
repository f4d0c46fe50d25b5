// Scaled dot-product attention laid out for the fast paths: heads as [B, H, T, Dh] so every product is
// batched over B*H contiguous slices (one fast 2-D product each on wasm) with a [T, Dh] or [Dh, T] operand
// on the right, the 1/sqrt(Dh) scale applied to q ([T, Dh]) rather than to the scores ([T, T]), and
// gradients that never use transpose flags.
import * as tf from '@tensorflow/tfjs-core'
import { ensureBackendFixes } from './registration'
import { softmaxGradWithTranspose, transposeLastFast } from './attention-kernels'
import { customOp, dim } from './custom-op'
import { applyDropoutMask } from './dropout'
import { transposeLast } from './matmul'

/** Options of attention(): an additive mask bias and dropout on the attention weights. */
export interface AttentionOptions {
  /** Added to the scores before softmax, broadcastable to [B, H, T, T]: 0 where allowed, a large negative where masked. */
  maskBias?: tf.Tensor | null
  /** Dropout rate on the attention weights (training only); needs `seed`. */
  dropoutRate?: number
  seed?: number
}

/**
 * softmax(q k^T / sqrt(Dh) + maskBias) v for q [B, H, T, Dh] and k, v [B, Hkv, Tk, Dh] (Hkv divides H: the
 * H / Hkv query heads of a group share one K/V head); returns the output [B, H, T, Dh] and weights [B, H, T, Tk].
 */
export function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, opts: AttentionOptions = {}): { output: tf.Tensor; weights: tf.Tensor } {
  const weights = attentionWeights(q, k, opts.maskBias ?? null) // [B, H, T, Tk]
  const rate = opts.dropoutRate ?? 0
  const output = attendValues(weights, v, rate > 0 ? { rate, seed: opts.seed ?? 0 } : null) // [B, H, T, Dh]
  return { output, weights }
}

/**
 * Attention weights softmax(q k^T / sqrt(Dh) + maskBias): q [B, H, T, Dh], k [B, Hkv, Tk, Dh] -> [B, H, T, Tk].
 * Query heads of a group are stacked as [B, Hkv, g*T, Dh] so each K/V head is used without a copy. The gradient
 * is the softmax backward in one pass (which also writes dS^T), then dQ = dS K and dK = dS^T Q: plain products.
 */
export function attentionWeights(q: tf.Tensor, k: tf.Tensor, maskBias: tf.Tensor | null): tf.Tensor {
  ensureBackendFixes()
  const [B, H, T, Dh] = q.shape as [number, number, number, number]
  const Hkv = dim(k, 1), Tk = dim(k, 2), g = H / Hkv
  const op = customOp(([qi, ki], save) => {
    const qs = tf.reshape(tf.mul(qi!, 1 / Math.sqrt(Dh)), [B, Hkv, g * T, Dh]) // [B, H, T, Dh] -> [B, Hkv, g*T, Dh], scaled
    const scores = tf.reshape(tf.matMul(qs, transposeLast(ki!)), [B, H, T, Tk]) // [B, Hkv, g*T, Dh] @ [B, Hkv, Dh, Tk] -> [B, H, T, Tk]
    const p = tf.softmax(maskBias ? tf.add(scores, maskBias) : scores) // [B, H, T, Tk], rows sum to 1
    save([qs, ki!, p])
    return {
      value: p,
      gradFunc: (dp, [qss, ks, ps]) => {
        const [ds, dsT] = softmaxGradWithTranspose(tf.reshape(dp, [B, Hkv, g * T, Tk]), tf.reshape(ps!, [B, Hkv, g * T, Tk]))
        const dq = tf.mul(tf.matMul(ds, ks!), 1 / Math.sqrt(Dh)) // [B, Hkv, g*T, Tk] @ [B, Hkv, Tk, Dh] -> [B, Hkv, g*T, Dh]
        const dk = tf.matMul(dsT, qss!) // [B, Hkv, Tk, g*T] @ [B, Hkv, g*T, Dh] -> [B, Hkv, Tk, Dh]
        return [tf.reshape(dq, [B, H, T, Dh]), dk]
      },
    }
  })
  return op(q, k)
}

/**
 * Weighted values dropout(p) v: p [B, H, T, Tk], v [B, Hkv, Tk, Dh] -> [B, H, T, Dh]; drop gives the dropout
 * rate and seed of the mask on p (dropoutMask(p.shape, rate, seed)), or null. The gradient forms
 * dropout(p)^T in one JS pass so that dV = P^T dO is a plain product.
 */
export function attendValues(p: tf.Tensor, v: tf.Tensor, drop: { rate: number; seed: number } | null): tf.Tensor {
  ensureBackendFixes()
  const [B, H, T, Tk] = p.shape as [number, number, number, number]
  const Hkv = dim(v, 1), Dh = dim(v, 3), g = H / Hkv
  const op = customOp(([pi, vi], save) => {
    const pd = tf.reshape(drop ? applyDropoutMask(pi!, drop.rate, drop.seed) : pi!, [B, Hkv, g * T, Tk]) // [B, Hkv, g*T, Tk]
    save([pd, vi!])
    return {
      value: tf.reshape(tf.matMul(pd, vi!), [B, H, T, Dh]), // [B, Hkv, g*T, Tk] @ [B, Hkv, Tk, Dh] -> [B, H, T, Dh]
      gradFunc: (dout, [pds, vs]) => {
        const dO = tf.reshape(dout, [B, Hkv, g * T, Dh])
        const dpd = tf.reshape(tf.matMul(dO, transposeLast(vs!)), [B, H, T, Tk]) // [B, Hkv, g*T, Dh] @ [B, Hkv, Dh, Tk]
        const dv = tf.matMul(transposeLastFast(pds!), dO) // [B, Hkv, Tk, g*T] @ [B, Hkv, g*T, Dh] -> [B, Hkv, Tk, Dh]
        return [drop ? applyDropoutMask(dpd, drop.rate, drop.seed) : dpd, dv]
      },
    }
  })
  return op(p, v)
}

/** Additive mask bias from a padding mask: mask [B, T] (1 = token, 0 = padding) -> [B, 1, 1, T] of 0 / -1e9. */
export function paddingMaskBias(mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [b, t] = mask.shape
    return tf.reshape(tf.mul(tf.sub(1, tf.cast(mask, 'float32')), -1e9), [b, 1, 1, t]) // [B, T] -> [B, 1, 1, T]
  })
}

/** Splits heads: x [B, T, H*Dh] -> [B, H, T, Dh]. */
export function splitHeads(x: tf.Tensor, nHeads: number): tf.Tensor {
  const [b, t, d] = x.shape
  return tf.transpose(tf.reshape(x, [b, t, nHeads, d / nHeads]), [0, 2, 1, 3]) // [B, T, H, Dh] -> [B, H, T, Dh]
}

/** Splits a fused QKV projection: qkv [B, T, 3*D] (q | k | v, heads inside each) -> q, k, v each [B, H, T, Dh]. */
export function splitQkv(qkv: tf.Tensor, nHeads: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [b, t, d3] = qkv.shape as [number, number, number]
  const headDim = d3 / 3 / nHeads
  // One 4-D transpose (fast on wasm; the 5-D one is ~50x slower), then a split into contiguous thirds.
  const heads = tf.transpose(tf.reshape(qkv, [b, t, 3 * nHeads, headDim]), [0, 2, 1, 3]) // -> [B, 3H, T, Dh]
  const parts = tf.split(tf.reshape(heads, [b, 3, nHeads * t * headDim]), 3, 1) // 3 x [B, 1, H*T*Dh]
  const [q, k, v] = parts.map((p) => tf.reshape(p, [b, nHeads, t, headDim])) // 3 x [B, H, T, Dh]
  return [q!, k!, v!]
}

/** Merges heads: x [B, H, T, Dh] -> [B, T, H*Dh]. */
export function mergeHeads(x: tf.Tensor): tf.Tensor {
  const [b, h, t, dh] = x.shape
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, t, h * dh]) // [B, H, T, Dh] -> [B, T, D]
}
