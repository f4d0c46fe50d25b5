// AdamW (Loshchilov & Hutter 2019): Adam with weight decay applied to the weights directly
// ("decoupled") instead of through the gradient. Its moments are named tensors so a checkpoint
// can store and restore them exactly.
import * as tf from '@tensorflow/tfjs-core'
import { adamwUpdate, hasFusedAdamW, sumSquares } from '../ops/adamw-kernel'
import { addMany } from '../ops/add-many'
import type { Params } from '../params'

/** AdamW hyperparameters. */
export interface AdamWOptions {
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
}

/** Hand-written AdamW over named weights; `t` is the number of updates applied so far. */
export class AdamW {
  readonly m = new Map<string, tf.Variable>()
  readonly v = new Map<string, tf.Variable>()
  t = 0

  constructor(
    private readonly params: Params,
    readonly names: string[],
    private readonly opts: AdamWOptions,
  ) {
    for (const name of names) {
      const p = params.get(name)
      if (!p) throw new Error(`Cannot optimise missing weight ${name}`)
      this.m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)))
      this.v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)))
    }
  }

  /**
   * One update. lr is the scheduled rate; lrScale gives a per-weight multiplier (lower for a
   * fine-tuned body); decay says which weights get weight decay (matrices, not biases or norms).
   */
  apply(grads: Record<string, tf.Tensor>, lr: number, lrScale: (name: string) => number, decay: (name: string) => boolean): void {
    this.t++
    const { beta1: b1, beta2: b2, eps, weightDecay } = this.opts
    const bc1 = 1 - Math.pow(b1, this.t)
    const bc2 = 1 - Math.pow(b2, this.t)
    tf.tidy(() => {
      for (const name of this.names) {
        const g = grads[name]
        if (!g) continue
        const p = this.params.get(name)!
        const m = this.m.get(name)!
        const v = this.v.get(name)!
        const mNew = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)) // m = b1 m + (1 - b1) g
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)) // v = b2 v + (1 - b2) g^2
        m.assign(mNew)
        v.assign(vNew)
        const rate = lr * lrScale(name)
        const step = tf.div(tf.div(mNew, bc1), tf.add(tf.sqrt(tf.div(vNew, bc2)), eps)) // m_hat / (sqrt(v_hat) + eps)
        const decayed = decay(name) && weightDecay > 0 ? tf.mul(p, 1 - rate * weightDecay) : p // p (1 - lr wd)
        p.assign(tf.sub(decayed, tf.mul(step, rate)))
      }
    })
  }

  /**
   * Clips the gradients to global norm maxNorm (0 = no clipping), then updates, as
   * apply(clipByGlobalNorm(grads, maxNorm).grads, ...). On wasm it runs the fused one-pass kernel per weight.
   */
  applyClipped(grads: Record<string, tf.Tensor>, maxNorm: number, lr: number, lrScale: (name: string) => number, decay: (name: string) => boolean): void {
    if (!hasFusedAdamW()) {
      this.apply(maxNorm > 0 ? clipByGlobalNorm(grads, maxNorm).grads : grads, lr, lrScale, decay)
      return
    }
    this.t++
    const { beta1, beta2, eps, weightDecay } = this.opts
    const bc1 = 1 - Math.pow(beta1, this.t)
    const bc2 = 1 - Math.pow(beta2, this.t)
    const names = this.names.filter((n) => grads[n])
    if (!names.length) return
    tf.tidy(() => {
      const scale = maxNorm > 0
        ? tf.minimum(1, tf.div(maxNorm, tf.add(tf.sqrt(addMany(names.map((n) => sumSquares(grads[n]!)))), 1e-6))) // 1 when within bounds
        : tf.scalar(1)
      for (const name of names) {
        const p = this.params.get(name)!
        const m = this.m.get(name)!
        const v = this.v.get(name)!
        const rate = lr * lrScale(name)
        const wd = decay(name) ? weightDecay : 0
        const [p2, m2, v2] = adamwUpdate(p, grads[name]!, m, v, scale, { rate, beta1, beta2, eps, weightDecay: wd, bc1, bc2 })
        m.assign(m2)
        v.assign(v2)
        p.assign(p2)
      }
    })
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose()
    this.m.clear()
    this.v.clear()
  }
}

/** Scales gradients so their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  const list = Object.values(grads)
  const norm = tf.sqrt(addMany(list.map((g) => tf.sum(tf.square(g))))) as tf.Scalar
  if (maxNorm <= 0) return { grads, norm }
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6))) // 1 when already within bounds
  const out: Record<string, tf.Tensor> = {}
  for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale)
  return { grads: out, norm }
}
