// The classic baseline for images: multinomial logistic regression on the pixels shrunk to 8 x 8 (block means),
// each feature standardised on the training images. The same solver, choice of C on validation macro-F1 and
// metrics as the text baseline; what it cannot see (shapes made of finer detail, anything that moves around)
// is what the Vision Transformer has to beat it by. Plain arrays in and out; no tfjs.
import type { BaselineMetrics } from '../../../shared/domain'
import { fitChoosingC } from './choose-c'
import { logisticToJSON, predictProba, type LogisticJSON } from './logistic'
import { baselineCs } from './index'
import type { SparseRow } from './tfidf'

/** Name of the image baseline in metrics and exports. */
export const imageBaselineKind = 'pixels-logreg'

/** Side of the shrunk picture the baseline reads. */
export const baselineSide = 8

/** A fitted image baseline: enough to score new images of the same size. */
export interface ImageBaselineModel {
  kind: typeof imageBaselineKind
  labels: string[]
  size: number
  channels: number
  mean: number[]
  std: number[]
  logistic: LogisticJSON
}

/** Images of one split (pixels size x size x channels, 0..255) with label ids. */
interface Split {
  pixels: Uint8Array[]
  labels: number[]
}

/** Block means: pixels [S, S, C] -> [8, 8, C] (S a multiple of 8; otherwise the nearest block per cell). */
export function shrinkPixels(pixels: Uint8Array, size: number, channels: number): Float64Array {
  const k = baselineSide
  const out = new Float64Array(k * k * channels)
  for (let by = 0; by < k; by++) {
    const y0 = Math.floor((by * size) / k)
    const y1 = Math.max(y0 + 1, Math.floor(((by + 1) * size) / k))
    for (let bx = 0; bx < k; bx++) {
      const x0 = Math.floor((bx * size) / k)
      const x1 = Math.max(x0 + 1, Math.floor(((bx + 1) * size) / k))
      for (let ch = 0; ch < channels; ch++) {
        let sum = 0
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += pixels[(y * size + x) * channels + ch]!
        out[(by * k + bx) * channels + ch] = sum / ((y1 - y0) * (x1 - x0))
      }
    }
  }
  return out
}

function rowsOf(split: Split, size: number, channels: number, mean: number[], std: number[]): SparseRow[] {
  const F = mean.length
  const idx = Int32Array.from({ length: F }, (_, i) => i)
  return split.pixels.map((p) => {
    const x = shrinkPixels(p, size, channels)
    for (let f = 0; f < F; f++) x[f] = (x[f]! - mean[f]!) / std[f]!
    return { idx, val: x }
  })
}

/** Fits on `train`, chooses C on `validation`, reports on `test` (or validation when there are no test images). */
export function trainImageBaseline(splits: { labels: string[]; train: Split; validation: Split; test: Split }, size: number, channels: number, Cs: number[] = baselineCs): { model: ImageBaselineModel; metrics: BaselineMetrics } {
  const start = Date.now()
  const F = baselineSide * baselineSide * channels
  const raw = splits.train.pixels.map((p) => shrinkPixels(p, size, channels))
  if (raw.length === 0) throw new Error('There are no training images for the baseline.')
  const mean = new Array<number>(F).fill(0)
  const std = new Array<number>(F).fill(0)
  for (const x of raw) for (let f = 0; f < F; f++) mean[f] += x[f]! / raw.length
  for (const x of raw) for (let f = 0; f < F; f++) std[f] += (x[f]! - mean[f]!) ** 2 / raw.length
  for (let f = 0; f < F; f++) std[f] = Math.sqrt(std[f]!) || 1 // a constant pixel: left at 0 after centring
  const { logistic, metrics } = fitChoosingC({
    kind: imageBaselineKind,
    labels: splits.labels,
    nFeatures: F,
    train: { rows: rowsOf(splits.train, size, channels, mean, std), labels: splits.train.labels },
    validation: { rows: rowsOf(splits.validation, size, channels, mean, std), labels: splits.validation.labels },
    test: splits.test.pixels.length > 0 ? { rows: rowsOf(splits.test, size, channels, mean, std), labels: splits.test.labels } : null,
    Cs,
    start,
  })
  return { model: { kind: imageBaselineKind, labels: [...splits.labels], size, channels, mean, std, logistic: logisticToJSON(logistic) }, metrics }
}

/** Probabilities per label for new images with a fitted image baseline. */
export function predictImageBaseline(model: ImageBaselineModel, pixels: Uint8Array[]): number[][] {
  return predictProba(model.logistic, rowsOf({ pixels, labels: [] }, model.size, model.channels, model.mean, model.std))
}
