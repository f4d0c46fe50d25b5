// Independent references for the ops tests: the textbook formulas in float64 JavaScript, sharing no
// code with the engine or tfjs, so a test compares a kernel against the definition, not against itself.

/** GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), and dy * dGELU/dx. */
export function geluRef(x: ArrayLike<number>, dy: ArrayLike<number>): { y: Float64Array; dx: Float64Array } {
  const k = Math.sqrt(2 / Math.PI)
  const y = new Float64Array(x.length)
  const dx = new Float64Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!
    const t = Math.tanh(k * (v + 0.044715 * v ** 3))
    y[i] = 0.5 * v * (1 + t)
    dx[i] = dy[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k * (1 + 3 * 0.044715 * v * v))
  }
  return { y, dx }
}

/** Layer norm over the last axis of [N, D] rows, and its gradients for x, gamma and beta. */
export function layerNormRef(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, dy: ArrayLike<number>, d: number, eps: number) {
  const n = x.length / d
  const y = new Float64Array(x.length)
  const dx = new Float64Array(x.length)
  const dg = new Float64Array(d)
  const db = new Float64Array(d)
  for (let r = 0; r < n; r++) {
    const o = r * d
    let mean = 0
    for (let j = 0; j < d; j++) mean += x[o + j]!
    mean /= d
    let v = 0
    for (let j = 0; j < d; j++) v += (x[o + j]! - mean) ** 2
    v /= d
    const rstd = 1 / Math.sqrt(v + eps)
    const xhat = new Float64Array(d)
    for (let j = 0; j < d; j++) {
      xhat[j] = (x[o + j]! - mean) * rstd
      y[o + j] = xhat[j]! * gamma[j]! + beta[j]!
      dg[j] += dy[o + j]! * xhat[j]!
      db[j] += dy[o + j]!
    }
    // dx = rstd / D * (D dxhat - sum(dxhat) - xhat sum(dxhat xhat)), dxhat = dy gamma
    let s1 = 0
    let s2 = 0
    for (let j = 0; j < d; j++) {
      const g = dy[o + j]! * gamma[j]!
      s1 += g
      s2 += g * xhat[j]!
    }
    for (let j = 0; j < d; j++) dx[o + j] = (rstd / d) * (d * dy[o + j]! * gamma[j]! - s1 - xhat[j]! * s2)
  }
  return { y, dx, dg, db }
}

/**
 * Batched matrix product with transpose flags and broadcast batch dimensions, as tf.matMul defines it:
 * a [...batchA, M, K] (or [..., K, M] with ta), b [...batchB, K, N] (or [..., N, K] with tb).
 */
export function matMulRef(a: ArrayLike<number>, as: number[], b: ArrayLike<number>, bs: number[], ta: boolean, tb: boolean): Float64Array {
  const ra = as.length
  const rb = bs.length
  const [M, K] = ta ? [as[ra - 1]!, as[ra - 2]!] : [as[ra - 2]!, as[ra - 1]!]
  const N = tb ? bs[rb - 2]! : bs[rb - 1]!
  const batchA = as.slice(0, -2)
  const batchB = bs.slice(0, -2)
  const rank = Math.max(batchA.length, batchB.length)
  const padA = [...new Array(rank - batchA.length).fill(1), ...batchA] as number[]
  const padB = [...new Array(rank - batchB.length).fill(1), ...batchB] as number[]
  const batch = padA.map((x, i) => Math.max(x, padB[i]!))
  const nBatch = batch.reduce((p, x) => p * x, 1)
  const out = new Float64Array(nBatch * M * N)
  for (let bi = 0; bi < nBatch; bi++) {
    // Index of this batch element in each operand (size-1 dimensions broadcast).
    let rem = bi
    let ia = 0
    let ib = 0
    let strideA = 1
    let strideB = 1
    for (let d = rank - 1; d >= 0; d--) {
      const idx = rem % batch[d]!
      rem = Math.floor(rem / batch[d]!)
      ia += (padA[d] === 1 ? 0 : idx) * strideA
      ib += (padB[d] === 1 ? 0 : idx) * strideB
      strideA *= padA[d]!
      strideB *= padB[d]!
    }
    const offA = ia * M * K
    const offB = ib * K * N
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0
        for (let k = 0; k < K; k++) {
          const av = ta ? a[offA + k * M + i]! : a[offA + i * K + k]!
          const bv = tb ? b[offB + j * K + k]! : b[offB + k * N + j]!
          s += av * bv
        }
        out[(bi * M + i) * N + j] = s
      }
    }
  }
  return out
}
