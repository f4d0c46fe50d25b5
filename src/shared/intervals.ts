// Confidence intervals for a share of correct answers: 62% on 100 rows is "54–70%", not "62%".

/** A two-sided interval around a proportion, both ends in [0, 1]. */
export interface ProportionInterval {
  low: number
  high: number
  /** Confidence level, e.g. 0.95. */
  level: number
}

/** z for the usual two-sided 95% level. */
const z95 = 1.959963984540054

/**
 * Wilson score interval for `correct` successes out of `n` trials at 95%: unlike the normal
 * approximation it stays inside [0, 1] and is sensible for small n and for 0% or 100%.
 * Returns null when there are no trials.
 */
export function wilsonInterval(correct: number, n: number): ProportionInterval | null {
  if (!(n > 0) || !(correct >= 0) || correct > n) return null
  const p = correct / n
  const z2 = z95 * z95
  const denom = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denom
  const half = (z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom
  // At 0% or 100% the end is exactly 0 or 1 (rounding would leave 0.9999999999999999).
  const low = correct === 0 ? 0 : Math.max(0, centre - half)
  const high = correct === n ? 1 : Math.min(1, centre + half)
  return { low, high, level: 0.95 }
}

/** Interval for an accuracy measured on `n` rows (correct = round(accuracy x n)). */
export function accuracyInterval(accuracy: number, n: number): ProportionInterval | null {
  return wilsonInterval(Math.round(accuracy * n), n)
}
