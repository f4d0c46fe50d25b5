// Limited-memory BFGS for a smooth, convex objective over a flat Float64Array: two-loop recursion
// for the direction, backtracking (Armijo) line search for the step. Small and deterministic.

/** Returns the objective at x and writes its gradient into grad. */
export type Objective = (x: Float64Array, grad: Float64Array) => number

/** How long to iterate. */
export interface LbfgsOptions {
  maxIter: number
  /** Stop when the largest gradient component falls below this. */
  gradTol: number
  /** Stop when the objective improves by less than this, relative to its size. */
  relTol: number
  /** Number of (s, y) pairs kept. */
  memory: number
  /** Stop after this many milliseconds (the result so far is kept). */
  maxMs: number
}

export const defaultLbfgsOptions: LbfgsOptions = { maxIter: 300, gradTol: 1e-5, relTol: 1e-8, memory: 10, maxMs: 20_000 }

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

function maxAbs(a: Float64Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i])
    if (v > m) m = v
  }
  return m
}

/** Minimise f from x0 (x0 is updated in place and returned), with the iterations it took. */
export function lbfgs(f: Objective, x0: Float64Array, opts: Partial<LbfgsOptions> = {}): { x: Float64Array; value: number; iterations: number; evaluations: number } {
  const o = { ...defaultLbfgsOptions, ...opts }
  const n = x0.length
  const x = x0
  const g = new Float64Array(n)
  let evaluations = 1
  let fx = f(x, g)
  const S: Float64Array[] = []
  const Y: Float64Array[] = []
  const rho: number[] = []
  const d = new Float64Array(n)
  const xNew = new Float64Array(n)
  const gNew = new Float64Array(n)
  const alpha = new Array<number>(o.memory).fill(0)
  const start = Date.now()
  let it = 0
  for (; it < o.maxIter; it++) {
    if (maxAbs(g) < o.gradTol || Date.now() - start > o.maxMs) break
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i]
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d)
      const y = Y[k]
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * y[i]
    }
    if (S.length) {
      const last = S.length - 1
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last])
      for (let i = 0; i < n; i++) d[i] *= gamma
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)))
      for (let i = 0; i < n; i++) d[i] *= scale
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d)
      const s = S[k]
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * s[i]
    }
    let slope = dot(g, d)
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0
      Y.length = 0
      rho.length = 0
      for (let i = 0; i < n; i++) d[i] = -g[i]
      slope = -dot(g, g)
    }
    let step = 1
    let fNew = Infinity
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i]
      fNew = f(xNew, gNew)
      evaluations++
      if (fNew <= fx + 1e-4 * step * slope) break
      step *= 0.5
    }
    if (!(fNew < fx)) break
    const s = new Float64Array(n)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i]
      y[i] = gNew[i] - g[i]
    }
    const sy = dot(s, y)
    if (sy > 1e-12) {
      if (S.length === o.memory) {
        S.shift()
        Y.shift()
        rho.shift()
      }
      S.push(s)
      Y.push(y)
      rho.push(1 / sy)
    }
    const improvement = fx - fNew
    x.set(xNew)
    g.set(gNew)
    fx = fNew
    if (improvement < o.relTol * Math.max(1, Math.abs(fx))) {
      it++
      break
    }
  }
  return { x, value: fx, iterations: it, evaluations }
}
