// A classifier head fitted on fixed features (frozen-feature fine-tuning, and the linear probe before a
// full fine-tune): multinomial logistic regression, full-batch Adam with L2, early stopping on the
// validation loss. Plain arrays, no tensors: the features of a few thousand texts fit in memory and
// each pass costs 2 N D C multiply-adds, so hundreds of passes take well under a second.
import type { MetricPoint, TrainingProgress } from '../../../shared/domain'

/** Features [N][D] with a class per row. */
export interface FeatureSet {
  x: Float32Array[]
  y: number[]
}

/** Options of the fit. */
export interface FitHeadOptions {
  nClasses: number
  /** Adam step size (the features are layer-normalised, so one rate suits every base). */
  learningRate?: number
  /** L2 penalty on the weights (not the bias); unset tries 1e-4 ... 1e-1 and keeps the best by validation loss. */
  l2?: number
  maxIterations?: number
  /** Passes without a better validation loss before stopping. */
  patience?: number
  /** Called every `reportEvery` passes with a train and validation point (live curves). */
  onReport?: (p: { progress: TrainingProgress; points: MetricPoint[] }) => void
  reportEvery?: number
  signal?: AbortSignal
  /**
   * Standardise the features for the fit (default). Only exact while the features stay fixed: folding the scaling
   * back gives large weights that cancel large offsets, which a body that goes on training turns into huge logits.
   */
  standardize?: boolean
}

/** The fitted head: w [D, C] row-major and b [C], as the model's head/w and head/b. */
export interface FittedHead {
  w: Float32Array
  b: Float32Array
  iterations: number
  bestValLoss: number
}

/**
 * Fits softmax regression on `train`, keeping the weights of the best validation loss (the last pass without
 * validation rows). Features are standardised per dimension for the fit (texts that share most of their
 * words have nearly equal pooled vectors: the differences that matter are small) and the scaling is folded
 * back into the returned weights, so the head applies to raw features.
 */
export function fitHead(train: FeatureSet, validation: FeatureSet, o: FitHeadOptions): FittedHead {
  const D = train.x[0]?.length ?? 0
  if (!D) throw new Error('There are no features to fit a head on.')
  const mean = new Float64Array(D)
  const std = new Float64Array(D)
  for (const x of train.x) for (let d = 0; d < D; d++) mean[d] += x[d] / train.x.length
  for (const x of train.x) for (let d = 0; d < D; d++) std[d] += (x[d] - mean[d]) ** 2 / train.x.length
  for (let d = 0; d < D; d++) std[d] = Math.sqrt(std[d])
  // A near-constant dimension would get a weight of fit / std: harmless while the features stay fixed, explosive
  // once a full fine-tune moves the body. No dimension is scaled up more than 10x past the typical one.
  const typical = std.reduce((a, b) => a + b, 0) / D
  for (let d = 0; d < D; d++) std[d] = Math.max(std[d], 0.1 * typical, 1e-6)
  if (o.standardize === false) {
    mean.fill(0)
    std.fill(1)
  }
  const scale = (set: FeatureSet): FeatureSet => ({ y: set.y, x: set.x.map((x) => Float32Array.from(x, (v, d) => (v - mean[d]) / std[d])) })
  const tr = scale(train)
  const va = scale(validation)
  // The penalty decides how far the head trusts the few labelled rows; validation picks it (features are cached, fits are cheap).
  const grid = o.l2 !== undefined || !validation.x.length ? [o.l2 ?? 1e-3] : [1e-4, 1e-3, 1e-2, 1e-1]
  let fit: FittedHead | null = null
  for (const l2 of grid) {
    const f = fitStandardised(tr, va, { ...o, l2, onReport: l2 === grid[grid.length - 1] ? o.onReport : undefined })
    if (!fit || f.bestValLoss < fit.bestValLoss) fit = f
  }
  if (!fit) throw new Error('unreachable')
  // x_std w = sum_d (x_d - mean_d) / std_d w_dc  ->  raw weights w_dc / std_d and bias b_c - sum_d mean_d w_dc / std_d.
  const C = o.nClasses
  const w = new Float32Array(D * C)
  const b = Float32Array.from(fit.b)
  for (let d = 0; d < D; d++) {
    for (let c = 0; c < C; c++) {
      w[d * C + c] = fit.w[d * C + c] / std[d]
      b[c] -= (mean[d] * fit.w[d * C + c]) / std[d]
    }
  }
  return { ...fit, w, b }
}


function fitStandardised(train: FeatureSet, validation: FeatureSet, o: FitHeadOptions): FittedHead {
  const C = o.nClasses
  const D = train.x[0].length
  const lr = o.learningRate ?? 1e-2
  const l2 = o.l2 ?? 1e-4
  const maxIt = o.maxIterations ?? 500
  const patience = o.patience ?? 25
  const every = o.reportEvery ?? 10
  const w = new Float32Array(D * C)
  const b = new Float32Array(C)
  const mw = new Float32Array(D * C), vw = new Float32Array(D * C), mb = new Float32Array(C), vb = new Float32Array(C)
  const gw = new Float32Array(D * C), gb = new Float32Array(C)
  let best = { loss: Infinity, w: w.slice(), b: b.slice(), it: 0 }
  let bad = 0
  const start = performance.now()
  let it = 0
  for (; it < maxIt; it++) {
    if (o.signal?.aborted) break
    gw.fill(0)
    gb.fill(0)
    const trainLoss = lossAndGrad(train, w, b, D, C, gw, gb)
    for (let i = 0; i < D * C; i++) gw[i] += l2 * w[i]
    adam(w, gw, mw, vw, lr, it + 1)
    adam(b, gb, mb, vb, lr, it + 1)
    const valLoss = validation.x.length ? lossAndGrad(validation, w, b, D, C, null, null) : trainLoss
    if (valLoss < best.loss - 1e-6) {
      best = { loss: valLoss, w: w.slice(), b: b.slice(), it: it + 1 }
      bad = 0
    } else if (++bad >= patience) {
      it++
      break
    }
    if (o.onReport && ((it + 1) % every === 0 || it === 0)) {
      const step = it + 1
      const elapsed = (performance.now() - start) / 1000
      o.onReport({
        progress: { step, epoch: step, totalSteps: maxIt, loss: trainLoss, lr, tokensPerSec: 0, etaSec: (elapsed / step) * (maxIt - step) },
        points: [
          { step, epoch: step, split: 'train', loss: trainLoss, lr, time: Date.now() },
          ...(validation.x.length ? [{ step, epoch: step, split: 'validation' as const, loss: valLoss, time: Date.now() }] : []),
        ],
      })
    }
  }
  return { w: best.w, b: best.b, iterations: it, bestValLoss: best.loss }
}

// Mean cross-entropy of softmax(x w + b); adds d(loss)/d(w, b) into gw, gb when given.
function lossAndGrad(set: FeatureSet, w: Float32Array, b: Float32Array, D: number, C: number, gw: Float32Array | null, gb: Float32Array | null): number {
  const N = set.x.length
  const z = new Float64Array(C)
  let loss = 0
  for (let n = 0; n < N; n++) {
    const x = set.x[n]
    for (let c = 0; c < C; c++) z[c] = b[c]
    for (let d = 0; d < D; d++) {
      const xd = x[d]
      if (xd === 0) continue
      const row = d * C
      for (let c = 0; c < C; c++) z[c] += xd * w[row + c]
    }
    let max = -Infinity
    for (let c = 0; c < C; c++) max = Math.max(max, z[c])
    let sum = 0
    for (let c = 0; c < C; c++) sum += (z[c] = Math.exp(z[c] - max))
    const y = set.y[n]
    loss -= Math.log(Math.max(z[y] / sum, 1e-12))
    if (!gw || !gb) continue
    for (let c = 0; c < C; c++) {
      const g = (z[c] / sum - (c === y ? 1 : 0)) / N
      gb[c] += g
      if (g === 0) continue
      for (let d = 0; d < D; d++) gw[d * C + c] += g * x[d]
    }
  }
  return N ? loss / N : NaN
}

function adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, t: number): void {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8
  const c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t)
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i]
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
    p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps)
  }
}
