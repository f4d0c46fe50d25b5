// One definition of a run's numbers. Validation rows drive training decisions (which epoch is
// kept, when to stop); the test split gives the reported score every screen, the terminal and the
// model card show. A run scored on another dataset is scored on every labelled row of it.
import type { KeepBestMetric, KeptEpoch, RunMetrics } from '../../shared/domain'
import type { RunConfig } from '../../shared/config'
import type { JobData } from '../../shared/trainer-protocol'

/** Rows with their dataset row numbers (what an evaluate job scores). */
export type ScoredRows = JobData['validation']

/** The rows a run's reported score comes from: the test split, else validation when there is none. */
export function reportedRows(data: JobData): { split: 'test' | 'validation'; rows: ScoredRows } {
  return data.test && data.test.texts.length ? { split: 'test', rows: data.test } : { split: 'validation', rows: data.validation }
}

/** An evaluate job's data file that scores exactly `rows` (the trainer scores `validation` when there is no test). */
export function evaluateJobData(labels: string[], rows: ScoredRows): JobData {
  return { labels, train: { texts: [], labels: [] }, validation: rows }
}

/** Splits as a dataset loads them: train rows carry row numbers for the original rows (oversampled copies come after). */
export interface LabelledSplits {
  labels: string[]
  train: { texts: string[]; labels: number[]; indices?: number[] }
  validation: ScoredRows
  test?: ScoredRows
}

/**
 * Every labelled row of another dataset (each once, oversampled copies left out), with labels
 * renumbered to the model's. Rows whose label the model does not know are counted, not scored.
 */
export function allLabelledRows(data: LabelledSplits, modelLabels: string[]): { rows: ScoredRows; unknownLabel: number } {
  const index = new Map(modelLabels.map((l, i) => [l, i]))
  const rows: ScoredRows = { texts: [], labels: [], indices: [] }
  let unknownLabel = 0
  const add = (texts: string[], labels: number[], indices: number[]) => {
    for (let i = 0; i < indices.length; i++) {
      const y = index.get(data.labels[labels[i]])
      if (y === undefined) {
        unknownLabel++
        continue
      }
      rows.texts.push(texts[i])
      rows.labels.push(y)
      rows.indices.push(indices[i])
    }
  }
  if (data.train.indices) add(data.train.texts, data.train.labels, data.train.indices)
  add(data.validation.texts, data.validation.labels, data.validation.indices)
  if (data.test) add(data.test.texts, data.test.labels, data.test.indices)
  // Reading order of the dataset, so lists look like the data the user imported.
  const order = rows.indices.map((_, i) => i).sort((a, b) => rows.indices[a] - rows.indices[b])
  return {
    rows: { texts: order.map((i) => rows.texts[i]), labels: order.map((i) => rows.labels[i]), indices: order.map((i) => rows.indices[i]) },
    unknownLabel,
  }
}

/** What the trainer reported about the kept epoch. */
export interface TrainOutcome {
  metrics: RunMetrics | null
  stoppedEarly: boolean
  bestEpoch: number
  epochsRun?: number
  keptBy?: KeepBestMetric
}

/** Which epoch a finished run kept and why, from the trainer's result. */
export function keptEpoch(res: TrainOutcome, config: RunConfig): KeptEpoch {
  return {
    epoch: res.bestEpoch,
    by: res.keptBy ?? config.train.keepBest ?? 'loss',
    epochsRun: res.epochsRun ?? (res.stoppedEarly ? res.bestEpoch : config.train.epochs),
    epochs: config.train.epochs,
    stoppedEarly: res.stoppedEarly,
  }
}

/** Rows a set of metrics scored (the confusion matrix holds one count per row). */
export function scoredCount(m: RunMetrics): number {
  return m.confusion.reduce((a, row) => a + row.reduce((b, n) => b + n, 0), 0)
}

/**
 * A finished run's stored metrics: the reported score (`scored`, from `split`) with the kept
 * epoch's validation figures beside it. Without a separate score the validation figures are it.
 */
export function runMetrics(
  res: TrainOutcome,
  config: RunConfig,
  scored: { metrics: RunMetrics; split: 'test' | 'validation' } | null,
): RunMetrics | null {
  const kept = keptEpoch(res, config)
  const val = res.metrics
  const validation = val ? { accuracy: val.accuracy, macroF1: val.macroF1, loss: val.loss, rows: scoredCount(val) } : undefined
  if (scored) return { ...scored.metrics, split: scored.split, rows: scoredCount(scored.metrics), validation, kept }
  if (!val) return null
  return { ...val, split: 'validation', rows: scoredCount(val), validation, kept }
}
