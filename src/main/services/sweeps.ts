// Sweeps: turn a search space into concrete configs (grid or seeded random) and pick the best run.
import { UserError, type SweepStrategy } from '../../shared/api'
import type { Run } from '../../shared/domain'
import { Rng } from '../engine/rng'

/** Hyperparameter values a sweep can try. */
export type SweepValue = number | string | boolean

/** One point of a search space: dotted key -> value. */
export type SweepPoint = Record<string, SweepValue>

/** Largest number of runs one sweep may queue. */
export const maxSweepRuns = 200

/** Turn `{ "train.learningRate": 0.001 }` into `{ train: { learningRate: 0.001 } }`. */
export function dottedToNested(point: SweepPoint): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(point)) {
    const parts = key.split('.')
    let node = out
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>
    node[parts[parts.length - 1]] = value
  }
  return out
}

/** Check every swept key names a real setting of `config`, with a readable error otherwise. */
export function checkSpaceKeys(space: Record<string, SweepValue[]>, config: object): void {
  for (const key of Object.keys(space)) {
    let node: unknown = config
    for (const p of key.split('.')) {
      node = typeof node === 'object' && node !== null && Object.prototype.hasOwnProperty.call(node, p) ? (node as Record<string, unknown>)[p] : undefined
      if (node === undefined) throw new UserError(`The sweep varies "${key}", which is not a setting. Use names like "train.learningRate" or "model.dModel".`)
    }
    if (typeof node === 'object' && node !== null) throw new UserError(`The sweep varies "${key}", which is a group of settings; name one setting inside it.`)
  }
}


/**
 * The points a sweep runs. Grid: every combination (at most `budget` of them, in order).
 * Random: `budget` distinct combinations drawn with `seed` (all of them if there are fewer).
 */
export function expandSpace(
  space: Record<string, SweepValue[]>,
  strategy: SweepStrategy,
  budget: number | undefined,
  seed: number,
): SweepPoint[] {
  const keys = Object.keys(space)
  if (!keys.length) throw new UserError('A sweep needs at least one setting to vary.')
  const sizes = keys.map((k) => space[k].length)
  const total = sizes.reduce((a, b) => a * b, 1)
  const at = (n: number): SweepPoint => {
    const p: SweepPoint = {}
    for (let i = keys.length - 1; i >= 0; i--) {
      p[keys[i]] = space[keys[i]][n % sizes[i]]
      n = Math.floor(n / sizes[i])
    }
    return p
  }
  if (strategy === 'grid') {
    const n = Math.min(total, budget ?? total)
    if (n > maxSweepRuns) {
      throw new UserError(`This grid has ${total} combinations; at most ${maxSweepRuns} can be queued. Set a budget or use random search.`)
    }
    return Array.from({ length: n }, (_, i) => at(i))
  }
  const n = Math.min(total, budget ?? Math.min(total, 10))
  if (n > maxSweepRuns) throw new UserError(`A sweep can queue at most ${maxSweepRuns} runs.`)
  const rng = new Rng(seed)
  const picked = new Set<number>()
  // Rejection sampling is fine while n is well below total; fall back to a shuffle otherwise.
  if (n > total / 2) {
    const all = rng.shuffle(Array.from({ length: total }, (_, i) => i))
    return all.slice(0, n).map(at)
  }
  while (picked.size < n) picked.add(rng.int(total))
  return [...picked].map(at)
}

/** A short label for a sweep point, e.g. "learningRate=0.001, dModel=64". */
export function describePoint(point: SweepPoint): string {
  return Object.entries(point)
    .map(([k, v]) => `${k.split('.').pop()}=${v}`)
    .join(', ')
}

/**
 * A run's figure for choosing between runs: its validation score (what chose its kept epoch),
 * never the test score it reports, so a choice made here cannot fit the test rows.
 */
export function selectionValue(r: Run, metric: string): number | undefined {
  const m = r.metrics
  if (!m) return undefined
  const source = m.validation ?? (m.split === undefined || m.split === 'validation' ? m : undefined)
  const v = (source as unknown as Record<string, unknown> | undefined)?.[metric]
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

/** The best completed run by a validation metric (lowest loss, highest accuracy or macro-F1), or null. */
export function bestRun(runs: Run[], metric: string): Run | null {
  const lower = metric === 'loss'
  let best: Run | null = null
  let bestValue = 0
  for (const r of runs) {
    if (r.status !== 'completed' || !r.metrics) continue
    const v = selectionValue(r, metric)
    if (typeof v !== 'number' || !Number.isFinite(v)) continue
    if (!best || (lower ? v < bestValue : v > bestValue)) {
      best = r
      bestValue = v
    }
  }
  return best
}
