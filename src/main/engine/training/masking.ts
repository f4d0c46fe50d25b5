// Masked-language-model corruption (Devlin et al. 2019): each real, non-special token is chosen with
// probability `rate`; a chosen token becomes [MASK] 80% of the time, a random vocabulary token 10%, and
// stays itself 10%. The model predicts the original token at every chosen position. The draw is a pure
// function of (seed, batch), so a resumed run and a validation pass see the same masks.
import { Rng } from '../rng'
import { MASK_ID, NUM_SPECIAL } from '../tokenizers/special-tokens'
import type { PaddedBatch } from './batching'

/** A corrupted batch: ids with the masks applied, and where and what to predict. */
export interface MaskedBatch {
  /** Corrupted ids, row-major [B, T]. */
  ids: Int32Array
  /** Flat indices b * T + t of the chosen positions. */
  positions: Int32Array
  /** The original token at each chosen position. */
  targets: Int32Array
}

/** Corrupts a padded batch for masked-language-model training; at least one position is always chosen. */
export function maskBatch(b: PaddedBatch, vocabSize: number, rate: number, seed: number): MaskedBatch {
  const rng = new Rng(seed)
  const ids = new Int32Array(b.ids)
  const positions: number[] = []
  const candidates: number[] = []
  for (let i = 0; i < b.B * b.T; i++) {
    if (b.mask[i] !== 1 || b.ids[i] < NUM_SPECIAL) continue
    candidates.push(i)
    if (rng.next() < rate) positions.push(i)
  }
  // A batch of very short texts may draw nothing; one position keeps the loss defined.
  if (!positions.length && candidates.length) positions.push(candidates[rng.int(candidates.length)])
  const targets = new Int32Array(positions.length)
  positions.forEach((p, k) => {
    targets[k] = b.ids[p]
    const r = rng.next()
    if (r < 0.8) ids[p] = MASK_ID
    else if (r < 0.9 && vocabSize > NUM_SPECIAL) ids[p] = NUM_SPECIAL + rng.int(vocabSize - NUM_SPECIAL)
  })
  return { ids, positions: Int32Array.from(positions), targets }
}
