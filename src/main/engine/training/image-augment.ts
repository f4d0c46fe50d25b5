// Augmentation of a training batch of images, in place: each image mirrored, shifted and colour-jittered at
// random. Draws come from (seed, step), so a resumed run sees the same batches; validation and test images are
// never augmented. Pixels are the image model's input: one image per row of the batch's value slot, row-major,
// channels last, 0..255 (see models/image.ts).
import type { ImageConfig } from '../../../shared/config'
import { Rng } from '../rng'
import type { PaddedBatch } from './batching'

/** The image geometry and the augmentation settings of a run. */
export interface AugmentSetup {
  size: number
  channels: number
  augment: ImageConfig['augment']
}

/** Whether the settings change anything (no work, and the exact pixels, when they do not). */
export function augments(a: ImageConfig['augment']): boolean {
  return a.flip || a.crop || a.jitter > 0
}

/** Augments every image of `batch` (pixels in `batch.mask`, [B, S*S*C]) with draws from `seed`. */
export function augmentBatch(batch: PaddedBatch, setup: AugmentSetup, seed: number): PaddedBatch {
  const { size: S, channels: C, augment: a } = setup
  const N = S * S * C
  if (batch.T !== N) throw new Error(`Augmenting ${S} x ${S} x ${C} images, but the batch rows hold ${batch.T} values.`)
  if (!augments(a)) return batch
  const rng = new Rng(seed)
  const shift = Math.max(1, Math.round(S / 8))
  const src = new Float32Array(N)
  for (let b = 0; b < batch.B; b++) {
    const img = batch.mask.subarray(b * N, (b + 1) * N)
    src.set(img)
    const flip = a.flip && rng.next() < 0.5
    const dy = a.crop ? Math.floor(rng.next() * (2 * shift + 1)) - shift : 0
    const dx = a.crop ? Math.floor(rng.next() * (2 * shift + 1)) - shift : 0
    // Brightness (added), contrast (about the image's mean) and a gain per channel, each within +-jitter.
    const j = a.jitter
    const bright = j > 0 ? (rng.next() * 2 - 1) * j * 255 : 0
    const contrast = j > 0 ? 1 + (rng.next() * 2 - 1) * j : 1
    const gains = Array.from({ length: C }, () => (j > 0 && C > 1 ? 1 + (rng.next() * 2 - 1) * j * 0.5 : 1))
    let mean = 0
    if (contrast !== 1) {
      for (let i = 0; i < N; i++) mean += src[i]!
      mean /= N
    }
    for (let r = 0; r < S; r++) {
      const sr = Math.min(S - 1, Math.max(0, r + dy))
      for (let c = 0; c < S; c++) {
        const sc0 = Math.min(S - 1, Math.max(0, c + dx))
        const sc = flip ? S - 1 - sc0 : sc0
        for (let ch = 0; ch < C; ch++) {
          const v = ((src[(sr * S + sc) * C + ch]! - mean) * contrast + mean + bright) * gains[ch]!
          img[(r * S + c) * C + ch] = v < 0 ? 0 : v > 255 ? 255 : v
        }
      }
    }
  }
  return batch
}
