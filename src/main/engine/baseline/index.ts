// The classic baseline trained beside every classification run: TF-IDF over word and character
// n-grams, multinomial logistic regression. It learns from the run's training split only, picks
// its regularisation on the validation split, and is scored on the rows the run reports (the
// test split when there is one). Plain arrays in and out; no tfjs.
import type { BaselineMetrics } from '../../../shared/domain'
import { accuracyInterval } from '../../../shared/intervals'
import type { JobData } from '../../../shared/trainer-protocol'
import { classificationMetrics } from '../metrics'
import { baselineKind } from './kind'
import { fitLogistic, logisticToJSON, predictProba, type FittedLogistic, type LogisticJSON } from './logistic'
import { defaultTfidfOptions, fitTransformTfidf, TfidfVectorizer, type TfidfJSON, type TfidfOptions } from './tfidf'

/** Name of the baseline in metrics and exports. */
export { baselineKind }

/** Regularisation strengths tried; the best on validation macro-F1 is kept. */
export const baselineCs = [1, 10, 100]

/** A fitted baseline: enough to predict new texts. */
export interface BaselineModel {
  kind: typeof baselineKind
  labels: string[]
  tfidf: TfidfJSON
  logistic: LogisticJSON
}

/** Options for tests and the benchmark. */
export interface BaselineOptions {
  tfidf?: TfidfOptions
  Cs?: number[]
  /**
   * Safety stop for the optimiser per fit (ms). Fits normally end on their tolerance or iteration
   * cap long before; a time cap that bites would make results depend on the machine's load.
   */
  maxMsPerFit?: number
}

function argmax(p: number[]): number {
  let best = 0
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k
  return best
}

function score(vec: TfidfVectorizer, model: FittedLogistic, rows: { texts: string[]; labels: number[] }, labels: string[]): { accuracy: number; macroF1: number; rows: number } {
  const probs = predictProba(model, vec.transformAll(rows.texts))
  const m = classificationMetrics(rows.labels, probs.map(argmax), [], labels, 0)
  return { accuracy: m.accuracy, macroF1: m.macroF1, rows: rows.texts.length }
}

/**
 * Train the baseline on `data.train`, choose C on `data.validation`, and score the winner on the
 * test split (or validation when there is no test split). Returns the model and its metrics.
 */
export function trainBaseline(data: JobData, opts: BaselineOptions = {}): { model: BaselineModel; metrics: BaselineMetrics } {
  const start = Date.now()
  const labels = data.labels
  const { fitted, rows: trainRows } = fitTransformTfidf(data.train.texts, opts.tfidf ?? defaultTfidfOptions)
  const vec = new TfidfVectorizer(fitted)
  const valRows = vec.transformAll(data.validation.texts)
  let best: { model: FittedLogistic; val: { accuracy: number; macroF1: number; rows: number } } | null = null
  let previous: FittedLogistic | null = null
  // Ascending C, each fit starting from the last one's solution (the optimum moves little).
  for (const C of [...(opts.Cs ?? baselineCs)].sort((a, b) => a - b)) {
    const model = fitLogistic(trainRows, data.train.labels, vec.nFeatures, labels.length, C, { maxMs: opts.maxMsPerFit ?? 300_000, init: previous?.params })
    previous = model
    const probs = predictProba(model, valRows)
    const m = classificationMetrics(data.validation.labels, probs.map(argmax), [], labels, 0)
    const val = { accuracy: m.accuracy, macroF1: m.macroF1, rows: valRows.length }
    // Ties keep the smaller C (the simpler model).
    if (!best || val.macroF1 > best.val.macroF1 + 1e-12) best = { model, val }
  }
  const chosen = best!
  const hasTest = !!data.test && data.test.texts.length > 0
  const reported = hasTest ? score(vec, chosen.model, data.test!, labels) : chosen.val
  const model: BaselineModel = { kind: baselineKind, labels: [...labels], tfidf: fitted, logistic: logisticToJSON(chosen.model) }
  const interval = accuracyInterval(reported.accuracy, reported.rows)
  const metrics: BaselineMetrics = {
    kind: baselineKind,
    accuracy: reported.accuracy,
    macroF1: reported.macroF1,
    split: hasTest ? 'test' : 'validation',
    rows: reported.rows,
    ...(interval ? { accuracyInterval: interval } : {}),
    validation: chosen.val,
    seconds: (Date.now() - start) / 1000,
    features: vec.nFeatures,
    C: chosen.model.C,
  }
  return { model, metrics }
}

/** Probabilities per label for new texts with a fitted baseline. */
export function predictBaseline(model: BaselineModel, texts: string[]): { label: string; probabilities: Record<string, number> }[] {
  const vec = new TfidfVectorizer(model.tfidf)
  return predictProba(model.logistic, vec.transformAll(texts)).map((p) => ({
    label: model.labels[argmax(p)],
    probabilities: Object.fromEntries(model.labels.map((l, k) => [l, p[k]])),
  }))
}
