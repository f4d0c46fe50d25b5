// Random oversampling for imbalanced data, applied when a version's training rows are loaded
// (the stored rows stay as they are, so the doctor and evaluation see the real data).
import { Rng } from '../engine/rng'

/** Most copies a row may get, so one tiny class cannot swamp training with repeats. */
export const maxOversampleFactor = 20

/**
 * Positions of extra copies that bring every class up towards the largest one
 * (each class grows at most `maxOversampleFactor` times). Deterministic for a seed.
 */
export function oversampleExtras(labels: ArrayLike<number>, seed: number): number[] {
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < labels.length; i++) {
    let g = byClass.get(labels[i])
    if (!g) byClass.set(labels[i], (g = []))
    g.push(i)
  }
  const largest = Math.max(0, ...[...byClass.values()].map((g) => g.length))
  const rng = new Rng(seed)
  const extras: number[] = []
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const g = byClass.get(c)!
    const need = Math.min(largest, g.length * maxOversampleFactor) - g.length
    // Whole rounds through the class first, then a random subset for the remainder.
    const whole = Math.floor(need / g.length) * g.length
    for (let k = 0; k < whole; k++) extras.push(g[k % g.length])
    extras.push(...rng.shuffle(g.slice()).slice(0, need - whole))
  }
  return extras
}
