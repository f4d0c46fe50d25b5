// The classic baseline trained beside every classification run: TF-IDF over word and character
// n-grams, multinomial logistic regression. It learns from the run's training split only, picks
// its regularisation on the validation split, and is scored on the rows the run reports (the
// test split when there is one). Plain arrays in and out; no tfjs.
import type { BaselineMetrics } from '../../../shared/domain'
import type { JobData } from '../../../shared/trainer-protocol'
import { baselineKind } from './kind'
import { argmax, fitChoosingC } from './choose-c'
import { logisticToJSON, predictProba, type LogisticJSON } from './logistic'
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

/**
 * Train the baseline on `data.train`, choose C on `data.validation`, and score the winner on the
 * test split (or validation when there is no test split). Returns the model and its metrics.
 */
export function trainBaseline(data: JobData, opts: BaselineOptions = {}): { model: BaselineModel; metrics: BaselineMetrics } {
  const start = Date.now()
  const labels = data.labels
  const { fitted, rows: trainRows } = fitTransformTfidf(data.train.texts, opts.tfidf ?? defaultTfidfOptions)
  const vec = new TfidfVectorizer(fitted)
  const hasTest = !!data.test && data.test.texts.length > 0
  const { logistic, metrics } = fitChoosingC({
    kind: baselineKind,
    labels,
    nFeatures: vec.nFeatures,
    train: { rows: trainRows, labels: data.train.labels },
    validation: { rows: vec.transformAll(data.validation.texts), labels: data.validation.labels },
    test: hasTest ? { rows: vec.transformAll(data.test!.texts), labels: data.test!.labels } : null,
    Cs: opts.Cs ?? baselineCs,
    maxMsPerFit: opts.maxMsPerFit,
    start,
  })
  const model: BaselineModel = { kind: baselineKind, labels: [...labels], tfidf: fitted, logistic: logisticToJSON(logistic) }
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
