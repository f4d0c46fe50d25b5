// Attention rollout (Abnar & Zuidema, 2020, "Quantifying Attention Flow in Transformers"): how much
// each input token contributes to the pooled token through all layers. Per layer, average the heads,
// add the identity for the residual connection and renormalise rows; the layers' matrices multiplied
// top to bottom give token-to-input flow. Only one row of that product is needed, so it is computed
// as a row vector times each layer in turn: O(L * T^2) instead of O(L * T^3).

/**
 * Rollout to the pooled token (an index, e.g. 0 for [CLS] or the last real token of a decoder) or to
 * the mean of the real tokens. `weights` is [L][H][T][T] (query rows, key columns); `mask` has 1 for
 * real tokens and 0 for padding. Returns T values, 0 on padding, summing to 1.
 */
export function attentionRollout(weights: number[][][][], pooledIndex: number | 'mean', mask?: number[]): number[] {
  const L = weights.length
  if (L === 0) throw new Error('attentionRollout: no layers')
  const T = weights[0][0]?.length ?? 0
  if (T === 0) throw new Error('attentionRollout: no tokens')
  if (mask && mask.length !== T) throw new Error(`attentionRollout: mask has ${mask.length} entries for ${T} tokens`)
  const real = Array.from({ length: T }, (_, t) => (mask ? mask[t] > 0 : true))

  // v: the pooled token's row of the rollout, starting at the top layer's output.
  let v = new Float64Array(T)
  if (pooledIndex === 'mean') {
    const n = real.filter(Boolean).length
    if (n === 0) throw new Error('attentionRollout: every token is masked')
    for (let t = 0; t < T; t++) v[t] = real[t] ? 1 / n : 0
  } else {
    if (!Number.isInteger(pooledIndex) || pooledIndex < 0 || pooledIndex >= T) {
      throw new Error(`attentionRollout: pooled index ${pooledIndex} is outside 0..${T - 1}`)
    }
    if (!real[pooledIndex]) throw new Error(`attentionRollout: pooled token ${pooledIndex} is padding`)
    v[pooledIndex] = 1
  }

  const a = new Float64Array(T * T)
  for (let l = L - 1; l >= 0; l--) {
    const heads = weights[l]
    const H = heads.length
    if (H === 0 || heads.some((h) => h.length !== T || h.some((row) => row.length !== T))) {
      throw new Error(`attentionRollout: layer ${l} is not [H][${T}][${T}]`)
    }
    // [H, T, T] -> [T, T]: mean over heads, padding keys removed, plus identity, rows renormalised.
    for (let q = 0; q < T; q++) {
      let sum = 0
      for (let k = 0; k < T; k++) {
        let w = 0
        if (real[k]) {
          for (let h = 0; h < H; h++) w += heads[h][q][k]
          w /= H
        }
        if (k === q) w += 1
        a[q * T + k] = w
        sum += w
      }
      for (let k = 0; k < T; k++) a[q * T + k] /= sum
    }
    // [T] x [T, T] -> [T]
    const next = new Float64Array(T)
    for (let q = 0; q < T; q++) {
      const vq = v[q]
      if (vq === 0) continue
      for (let k = 0; k < T; k++) next[k] += vq * a[q * T + k]
    }
    v = next
  }

  // Padding can only hold mass through its own identity term; drop it and renormalise.
  let total = 0
  for (let t = 0; t < T; t++) {
    if (!real[t]) v[t] = 0
    total += v[t]
  }
  return Array.from(v, (x) => (total > 0 ? x / total : 0))
}
