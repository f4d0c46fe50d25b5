// The part every classic baseline shares (text, table, image): fit the logistic regression for each
// regularisation strength, keep the best on validation macro-F1, report it on the test rows (or on
// validation when there are none) with its interval. Each baseline only turns its inputs into rows.
import type { BaselineMetrics } from '../../../shared/domain'
import { accuracyInterval } from '../../../shared/intervals'
import { classificationMetrics } from '../metrics'
import { fitLogistic, predictProba, type FittedLogistic, type LogisticJSON } from './logistic'
import type { SparseRow } from './tfidf'

/** Rows of one split with their label ids. */
export interface LabelledRows {
  rows: SparseRow[]
  labels: number[]
}

/** Accuracy and macro-F1 of a split. */
export type SplitScore = BaselineMetrics['validation']

/** Index of the largest probability. */
export function argmax(p: number[]): number {
  let best = 0
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k
  return best
}

/** Scores a model on labelled rows (no rows: zeros). */
export function scoreRows(model: FittedLogistic | LogisticJSON, split: LabelledRows, labels: string[]): SplitScore {
  if (split.rows.length === 0) return { accuracy: 0, macroF1: 0, rows: 0 }
  const m = classificationMetrics(split.labels, predictProba(model, split.rows).map(argmax), [], labels, 0)
  return { accuracy: m.accuracy, macroF1: m.macroF1, rows: split.rows.length }
}

/**
 * Fits on `train` for each C (ascending, each fit starting from the last one's solution: the optimum
 * moves little), keeps the best on validation macro-F1 (ties keep the smaller C, the simpler model),
 * and scores it on `test` when given (else the validation score is the reported one).
 */
export function fitChoosingC(opts: {
  kind: string
  labels: string[]
  nFeatures: number
  train: LabelledRows
  validation: LabelledRows
  /** Built only when the run has test rows. */
  test: LabelledRows | null
  Cs: number[]
  /** Safety stop per fit (ms); fits normally end on their tolerance long before. */
  maxMsPerFit?: number
  /** When the baseline's work began (Date.now()), for its seconds. */
  start: number
}): { logistic: FittedLogistic; metrics: BaselineMetrics } {
  let best: { model: FittedLogistic; val: SplitScore } | null = null
  let previous: FittedLogistic | null = null
  for (const C of [...opts.Cs].sort((a, b) => a - b)) {
    const model = fitLogistic(opts.train.rows, opts.train.labels, opts.nFeatures, opts.labels.length, C, { maxMs: opts.maxMsPerFit ?? 300_000, init: previous?.params })
    previous = model
    const val = scoreRows(model, opts.validation, opts.labels)
    if (!best || val.macroF1 > best.val.macroF1 + 1e-12) best = { model, val }
  }
  const chosen = best!
  const reported = opts.test ? scoreRows(chosen.model, opts.test, opts.labels) : chosen.val
  const interval = accuracyInterval(reported.accuracy, reported.rows)
  return {
    logistic: chosen.model,
    metrics: {
      kind: opts.kind,
      accuracy: reported.accuracy,
      macroF1: reported.macroF1,
      split: opts.test ? 'test' : 'validation',
      rows: reported.rows,
      ...(interval ? { accuracyInterval: interval } : {}),
      validation: chosen.val,
      seconds: (Date.now() - opts.start) / 1000,
      features: opts.nFeatures,
      C: chosen.model.C,
    },
  }
}
