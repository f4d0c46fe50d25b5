// Evaluation of a classifier's predictions: the numbers the results view, the run history and the
// model card show. Plain arrays in, plain data out (RunMetrics), no tensors.
import type { ClassMetrics, RunMetrics } from '../../shared/domain'
import { wilsonInterval } from '../../shared/intervals'

/** Number of reliability bins over the predicted class' probability. */
export const CALIBRATION_BINS = 10

/** a / b, or 0 when b is 0 (a class never predicted has precision 0, not NaN). */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b
}

/**
 * Accuracy, per-class precision/recall/F1/support, macro and weighted F1, the confusion matrix
 * (row = true label, column = predicted label, in `labels` order) and reliability bins.
 * `probs[i]` is example i's probability per label (may be empty to skip calibration).
 */
export function classificationMetrics(
  trueIdx: number[],
  predIdx: number[],
  probs: number[][],
  labels: string[],
  loss: number,
): RunMetrics {
  const K = labels.length
  const N = trueIdx.length
  if (predIdx.length !== N) throw new Error(`metrics: ${N} true labels but ${predIdx.length} predictions`)
  if (probs.length !== 0 && probs.length !== N) throw new Error(`metrics: ${N} examples but ${probs.length} probability rows`)
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0))
  let correct = 0
  for (let i = 0; i < N; i++) {
    const t = trueIdx[i]
    const p = predIdx[i]
    if (!(Number.isInteger(t) && t >= 0 && t < K) || !(Number.isInteger(p) && p >= 0 && p < K)) {
      throw new Error(`metrics: example ${i} has a label index outside 0..${K - 1} (true ${t}, predicted ${p})`)
    }
    confusion[t][p]++
    if (t === p) correct++
  }

  const perClass: Record<string, ClassMetrics> = {}
  let macroF1 = 0
  let weightedF1 = 0
  for (let k = 0; k < K; k++) {
    const tp = confusion[k][k]
    let predicted = 0
    let support = 0
    for (let j = 0; j < K; j++) {
      predicted += confusion[j][k]
      support += confusion[k][j]
    }
    const precision = ratio(tp, predicted)
    const recall = ratio(tp, support)
    const f1 = ratio(2 * precision * recall, precision + recall)
    perClass[labels[k]] = { precision, recall, f1, support }
    macroF1 += f1
    weightedF1 += f1 * support
  }

  const metrics: RunMetrics = {
    accuracy: ratio(correct, N),
    macroF1: ratio(macroF1, K),
    weightedF1: ratio(weightedF1, N),
    loss,
    perClass,
    confusion,
    labels: [...labels],
  }
  const interval = wilsonInterval(correct, N)
  if (interval) metrics.accuracyInterval = interval
  if (probs.length === N && N > 0) metrics.calibration = reliabilityBins(trueIdx, predIdx, probs)
  return metrics
}

/**
 * Reliability diagram data: examples binned by their highest probability into 10 equal bins
 * ([0, 0.1), ..., [0.9, 1.0]); each bin's accuracy against its mean confidence shows over- or
 * under-confidence. Empty bins report 0 for both.
 */
export function reliabilityBins(
  trueIdx: number[],
  predIdx: number[],
  probs: number[][],
): NonNullable<RunMetrics['calibration']> {
  const count = new Array<number>(CALIBRATION_BINS).fill(0)
  const hits = new Array<number>(CALIBRATION_BINS).fill(0)
  const conf = new Array<number>(CALIBRATION_BINS).fill(0)
  for (let i = 0; i < trueIdx.length; i++) {
    let max = 0
    for (const p of probs[i]) if (p > max) max = p
    if (!Number.isFinite(max)) max = 0
    const bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(max * CALIBRATION_BINS)))
    count[bin]++
    conf[bin] += max
    if (trueIdx[i] === predIdx[i]) hits[bin]++
  }
  return count.map((c, b) => ({
    binStart: b / CALIBRATION_BINS,
    binEnd: (b + 1) / CALIBRATION_BINS,
    count: c,
    accuracy: ratio(hits[b], c),
    confidence: ratio(conf[b], c),
  }))
}
