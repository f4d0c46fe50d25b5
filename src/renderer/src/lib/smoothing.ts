// Exponential moving average with TensorBoard's debiasing, for the smoothing slider.

/** Smooth `values` with weight in [0, 1): 0 returns them unchanged. */
export function smooth(values: number[], weight: number): number[] {
  if (weight <= 0) return values.slice()
  const w = Math.min(weight, 0.999)
  const out: number[] = []
  let last = 0
  let n = 0
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(v)
      continue
    }
    last = last * w + (1 - w) * v
    n++
    // Debias so early points are not pulled towards zero.
    out.push(last / (1 - w ** n))
  }
  return out
}
