// A synthetic task that needs attention: each row holds two marker tokens somewhere among fillers;
// the label says which marker comes first. Every row contains both markers, so a model blind to
// order (bag of embeddings) can do no better than chance.

/** Token ids: [CLS] = 2 first, fillers 5..24, markers 25 and 26. */
export const markerVocab = 27

/** Deterministic rows (Int32Array ids starting with [CLS]) and labels (0: marker A first, 1: marker B first). */
export function markerRows(n: number, seed: number): { rows: Int32Array[]; labels: number[] } {
  let s = seed >>> 0
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296)
  const rows: Int32Array[] = []
  const labels: number[] = []
  for (let i = 0; i < n; i++) {
    const len = 5 + Math.floor(rnd() * 8)
    const body = Array.from({ length: len }, () => 5 + Math.floor(rnd() * 20))
    const p = Math.floor(rnd() * len)
    let q = Math.floor(rnd() * (len - 1))
    if (q >= p) q++
    const label = i % 2
    // label 0: marker A (25) at the earlier position; label 1: marker B (26) earlier.
    const [first, second] = [Math.min(p, q), Math.max(p, q)]
    body[first] = label === 0 ? 25 : 26
    body[second] = label === 0 ? 26 : 25
    rows.push(Int32Array.from([2, ...body]))
    labels.push(label)
  }
  return { rows, labels }
}
