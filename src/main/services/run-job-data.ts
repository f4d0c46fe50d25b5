// A run's job data (the rows it trains and is scored on): loaded from a dataset version and checked
// for what cannot train, read back from the run folder, and joined with an evaluation's predictions.
import { readFileSync } from 'node:fs'
import { UserError } from '../../shared/api'
import type { RunConfig } from '../../shared/config'
import type { JobData } from '../../shared/trainer-protocol'
import type { StoredPrediction } from '../store/runs-repo'
import { readPretrainTexts } from './pretrain-text'
import type { JobResult } from './trainer-host'

/** What loading a run's rows needs of the datasets service. */
export interface RunDatasets {
  resolveVersion(datasetId: string): { datasetId: string; versionId: string }
  loadSplitRows(versionId: string): JobData
}

/** Load the dataset's rows and refuse what cannot train, in plain words. */
export function loadRunData(datasets: RunDatasets, datasetId: string, config: RunConfig): { versionId: string; data: JobData } {
  const { versionId } = datasets.resolveVersion(datasetId)
  const data = datasets.loadSplitRows(versionId)
  if (config.task === 'pretrain' && data.table) throw new UserError('Pretraining learns from text; this dataset is a table. Train a classifier instead.')
  if (config.task === 'pretrain') {
    // A language model learns from every text it may see: unlabeled rows and the training split.
    const unlabeled = [...(data.unlabeled ?? []), ...data.train.texts, ...(config.pretrain.textDir ? readPretrainTexts(config.pretrain.textDir) : [])]
    if (!unlabeled.length) throw new UserError('The dataset has no text to pretrain on.')
    return { versionId, data: { ...data, unlabeled, train: { texts: [], labels: [] } } }
  }
  // A classifier's job file does not need the unlabeled texts.
  data.unlabeled = undefined
  if (!data.train.texts.length) throw new UserError('The dataset has no training rows. Split it into train and validation first.')
  const classes = new Set(data.train.labels)
  if (data.labels.length < 2 || classes.size < 2) {
    const only = data.labels[data.train.labels[0]] ?? data.labels[0]
    throw new UserError(
      `A classifier needs at least two classes, but this dataset's training rows all have the label "${only ?? '(none)'}". Add examples of another class.`,
    )
  }
  if (!data.validation.texts.length) {
    throw new UserError('The dataset has no validation rows, so accuracy cannot be measured. Split it into train and validation first.')
  }
  return { versionId, data }
}

/** A run folder's data.json. */
export function readJobData(path: string): JobData {
  return JSON.parse(readFileSync(path, 'utf8')) as JobData
}

/** Join an evaluate job's predictions with the rows they were made for. */
export function joinPredictions(
  data: JobData,
  rows: JobData['validation'],
  preds: Extract<JobResult, { kind: 'evaluate' }>['predictions'],
): StoredPrediction[] {
  const byPosition = preds.length === rows.texts.length
  const posOfIndex = new Map(rows.indices.map((ix, i) => [ix, i]))
  const out: StoredPrediction[] = []
  preds.forEach((p, i) => {
    const pos = byPosition ? i : (posOfIndex.get(p.index) ?? -1)
    if (pos < 0 || pos >= rows.texts.length) return
    out.push({
      index: rows.indices[pos],
      text: rows.texts[pos],
      label: data.labels[rows.labels[pos]],
      predicted: p.predicted,
      probabilities: p.probabilities,
    })
  })
  return out
}
