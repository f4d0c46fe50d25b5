// Multinomial logistic regression over sparse rows with an L2 penalty on the weights (not the
// intercepts), fitted by L-BFGS: the same objective as scikit-learn's LogisticRegression
// (lbfgs, multinomial), C * sum(cross-entropy) + ||W||^2 / 2, scaled by 1 / (C n).
import { lbfgs, type LbfgsOptions } from './lbfgs'
import type { SparseRow } from './tfidf'

/** A fitted model: weights [nFeatures x nClasses] row-major, then nClasses intercepts. */
export interface LogisticJSON {
  nFeatures: number
  nClasses: number
  C: number
  weights: number[]
}

/** A model straight from fitting: parameters as one typed array, with the optimiser's effort. */
export interface FittedLogistic {
  nFeatures: number
  nClasses: number
  C: number
  params: Float64Array
  iterations: number
  evaluations: number
}

/** Plain-data form of a fitted model (saved with the baseline). */
export function logisticToJSON(m: FittedLogistic): LogisticJSON {
  return { nFeatures: m.nFeatures, nClasses: m.nClasses, C: m.C, weights: Array.from(m.params) }
}

/** Softmax of one row's scores in place; returns log-sum-exp. */
function softmaxInPlace(z: Float64Array): number {
  let m = -Infinity
  for (const v of z) if (v > m) m = v
  let s = 0
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k] - m)
    s += z[k]
  }
  for (let k = 0; k < z.length; k++) z[k] /= s
  return m + Math.log(s)
}

/** Class scores of one row: intercept + x . W[:, k]. */
function scores(params: Float64Array, row: SparseRow, nFeatures: number, K: number, out: Float64Array): void {
  const b = nFeatures * K
  for (let k = 0; k < K; k++) out[k] = params[b + k]
  for (let t = 0; t < row.idx.length; t++) {
    const base = row.idx[t] * K
    const v = row.val[t]
    for (let k = 0; k < K; k++) out[k] += v * params[base + k]
  }
}

/** Fit on rows with labels 0..nClasses-1. */
export function fitLogistic(
  rows: SparseRow[],
  labels: number[],
  nFeatures: number,
  nClasses: number,
  C: number,
  opts: Partial<LbfgsOptions> & { init?: Float64Array } = {},
): FittedLogistic {
  const K = nClasses
  const n = rows.length
  const wLen = nFeatures * K
  const lambda = 1 / (C * n)
  const z = new Float64Array(K)
  const objective = (p: Float64Array, grad: Float64Array): number => {
    grad.fill(0)
    let loss = 0
    for (let i = 0; i < n; i++) {
      const row = rows[i]
      scores(p, row, nFeatures, K, z)
      const y = labels[i]
      const zy = z[y]
      loss += softmaxInPlace(z) - zy // cross-entropy = log-sum-exp - z_y; z now holds probabilities
      z[y] -= 1 // residual p - onehot
      for (let k = 0; k < K; k++) grad[wLen + k] += z[k] / n
      for (let t = 0; t < row.idx.length; t++) {
        const base = row.idx[t] * K
        const v = row.val[t] / n
        for (let k = 0; k < K; k++) grad[base + k] += v * z[k]
      }
    }
    let reg = 0
    for (let j = 0; j < wLen; j++) {
      reg += p[j] * p[j]
      grad[j] += lambda * p[j]
    }
    return loss / n + 0.5 * lambda * reg
  }
  const x0 = opts.init ? Float64Array.from(opts.init) : new Float64Array(wLen + K)
  const { x, iterations, evaluations } = lbfgs(objective, x0, opts)
  return { nFeatures, nClasses: K, C, params: x, iterations, evaluations }
}

/** Probabilities per class for each row. */
export function predictProba(model: LogisticJSON | FittedLogistic, rows: SparseRow[]): number[][] {
  const params = 'params' in model ? model.params : Float64Array.from(model.weights)
  const out: number[][] = []
  const z = new Float64Array(model.nClasses)
  for (const row of rows) {
    scores(params, row, model.nFeatures, model.nClasses, z)
    softmaxInPlace(z)
    out.push(Array.from(z))
  }
  return out
}
