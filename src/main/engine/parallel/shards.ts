// Splitting one global batch into per-thread shards. Every shard keeps the global batch's padded length T
// (so its dropout masks are rows of the global masks) and knows the share of the global loss it carries:
// the global loss is a weighted mean, so its gradient is the sum of each shard's gradient times
// (shard's loss denominator / global denominator).
import type { Objective, StepBatch } from '../training/train-step'

/** Rows [from, to) of the global batch. */
export interface Shard {
  from: number
  to: number
}

/** Splits B rows into at most n contiguous, non-empty, nearly equal shards (first rows first). */
export function splitRows(B: number, n: number): Shard[] {
  const parts = Math.max(1, Math.min(n, B))
  const out: Shard[] = []
  for (let i = 0; i < parts; i++) out.push({ from: Math.floor((i * B) / parts), to: Math.floor(((i + 1) * B) / parts) })
  return out
}

/** The rows [from, to) of a batch, padded to the same T (masked positions renumbered for the slice). */
export function sliceBatch(b: StepBatch, s: Shard): StepBatch {
  const masked = b.masked ? sliceMasked(b.masked, s.from * b.T, s.to * b.T) : null
  return {
    ...(masked ? { masked } : {}),
    ids: b.ids.slice(s.from * b.T, s.to * b.T),
    mask: b.mask.slice(s.from * b.T, s.to * b.T),
    B: s.to - s.from,
    T: b.T,
    labels: b.labels ? b.labels.slice(s.from, s.to) : null,
    rowWeights: b.rowWeights ? b.rowWeights.slice(s.from, s.to) : null,
  }
}

// The masked positions (flat b * T + t) inside [start, end), shifted to start at 0.
function sliceMasked(m: NonNullable<StepBatch['masked']>, start: number, end: number): NonNullable<StepBatch['masked']> {
  const keep: number[] = []
  for (let i = 0; i < m.positions.length; i++) if (m.positions[i]! >= start && m.positions[i]! < end) keep.push(i)
  return { positions: Int32Array.from(keep, (i) => m.positions[i]! - start), targets: Int32Array.from(keep, (i) => m.targets[i]!) }
}

/**
 * The denominator of the batch's loss (training/loss.ts): rows for a plain mean, the sum of row weights
 * for class weights, the number of predicted real tokens for the language-model objective, the number
 * of masked positions for the masked-language-model one.
 */
export function lossDenominator(b: StepBatch, objective: Objective): number {
  if (objective === 'mlm') return b.masked?.positions.length ?? 0
  if (objective === 'lm') {
    let n = 0
    for (let r = 0; r < b.B; r++) for (let t = 1; t < b.T; t++) n += b.mask[r * b.T + t]!
    return n
  }
  if (b.rowWeights) return b.rowWeights.reduce((a, w) => a + w, 0)
  return b.B
}

/** Each shard's factor in the global loss: its denominator over the global one (the lm loss divides by at least 1). */
export function shardFactors(b: StepBatch, shards: Shard[], objective: Objective): number[] {
  const parts = shards.map((s) => lossDenominator(sliceBatch(b, s), objective))
  const total = parts.reduce((a, x) => a + x, 0)
  const denom = objective === 'lm' ? Math.max(total, 1) : total
  return parts.map((p) => (denom > 0 ? p / denom : 0))
}
