// Scoring a run's saved model on rows: the rows it reports its score on when it finishes, its own
// reported rows again, or every labelled row of another dataset. Each asks a trainer process for an
// evaluate job over a temporary data file in the run's folder.
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { UserError, type RunEvaluation } from '../../shared/api'
import type { RunMetrics } from '../../shared/domain'
import type { JobData } from '../../shared/trainer-protocol'
import { writeFileAtomic } from '../engine/tensor-file'
import type { RunRecord, StoredPrediction } from '../store/runs-repo'
import { joinPredictions, readJobData, type RunDatasets } from './run-job-data'
import { allLabelledRows, evaluateJobData, reportedRows, type ScoredRows } from './run-scoring'
import { runJob, type JobResult, type SpawnTrainer } from './trainer-host'

type EvaluateResult = Extract<JobResult, { kind: 'evaluate' }>

/** One evaluate job over `rows`, through a data file at `dataPath` removed afterwards; null on an unexpected answer. */
async function evaluateRows(spawn: SpawnTrainer, modelDir: string, dataPath: string, labels: string[], rows: ScoredRows): Promise<EvaluateResult | null> {
  writeFileAtomic(dataPath, JSON.stringify(evaluateJobData(labels, rows)))
  try {
    const res = await runJob(spawn, { kind: 'evaluate', modelDir, dataPath })
    return res.kind === 'evaluate' ? res : null
  } finally {
    rmSync(dataPath, { force: true })
  }
}

/** Score a finished model on the rows its reported score comes from (test, else validation); null when there is nothing to score. */
export async function scoreReported(
  spawn: SpawnTrainer,
  rec: RunRecord,
): Promise<{ metrics: RunMetrics; predictions: StoredPrediction[]; split: 'test' | 'validation' } | null> {
  const modelDir = join(rec.runDir, 'model')
  if (!existsSync(modelDir)) return null
  const data = readJobData(join(rec.runDir, 'data.json'))
  const { split, rows } = reportedRows(data)
  if (!rows.texts.length) return null
  const res = await evaluateRows(spawn, modelDir, join(rec.runDir, 'scoring.json'), data.labels, rows)
  if (!res) return null
  return { metrics: res.metrics, predictions: joinPredictions(data, rows, res.predictions), split }
}

/**
 * The `runs.evaluate` answer for a run: on its own dataset the rows its score is reported on (the
 * stored predictions when they are all there), on another dataset every row with a label it knows.
 */
export async function evaluateRun(
  deps: { spawn: SpawnTrainer; datasets: RunDatasets; storedPredictions: (runId: string) => StoredPrediction[] },
  rec: RunRecord,
  datasetId: string | undefined,
): Promise<RunEvaluation> {
  const id = rec.run.id
  const modelDir = join(rec.runDir, 'model')
  if (!existsSync(modelDir)) throw new UserError(`The run "${rec.run.name}" has no trained model yet (it is ${rec.run.status}).`)
  const runDataPath = join(rec.runDir, 'data.json')
  const own = !datasetId || (datasetId === rec.run.datasetId && !!rec.run.datasetVersionId)
  // On its own dataset the answer is the run's reported score, with the very predictions it came from.
  const stored = own && rec.run.metrics?.split ? deps.storedPredictions(id) : []
  if (own && rec.run.metrics?.split && stored.length === rec.run.metrics.rows) {
    return { runId: id, datasetId: rec.run.datasetId ?? '', metrics: rec.run.metrics, split: rec.run.metrics.split, rows: stored.length, predictions: stored }
  }
  let data: JobData
  let scored: { split: 'test' | 'validation' | 'all'; rows: ScoredRows }
  let unknownLabel = 0
  if (own) {
    if (!existsSync(runDataPath)) throw new UserError("This run's data file is missing; evaluate it on a dataset instead.")
    data = readJobData(runDataPath)
    scored = reportedRows(data)
  } else {
    const v = deps.datasets.resolveVersion(datasetId)
    const loaded = deps.datasets.loadSplitRows(v.versionId)
    const modelLabels = existsSync(runDataPath) ? readJobData(runDataPath).labels : (rec.run.metrics?.labels ?? loaded.labels)
    const all = allLabelledRows(loaded, modelLabels)
    unknownLabel = all.unknownLabel
    data = { labels: modelLabels, train: { texts: [], labels: [] }, validation: all.rows }
    scored = { split: 'all', rows: all.rows }
    if (!all.rows.texts.length && unknownLabel) {
      throw new UserError(`None of the ${unknownLabel} labelled rows of that dataset has a label this model knows (${modelLabels.join(', ')}).`)
    }
  }
  const rows = scored.rows
  if (!rows.texts.length) throw new UserError('The dataset has no labelled rows to evaluate on. Split it first.')
  const res = await evaluateRows(deps.spawn, modelDir, join(rec.runDir, `evaluate-${Date.now().toString(36)}.json`), data.labels, rows)
  if (!res) throw new Error('The trainer returned an unexpected result.')
  const preds = joinPredictions(data, rows, res.predictions)
  return {
    runId: id,
    datasetId: datasetId ?? rec.run.datasetId ?? '',
    metrics: { ...res.metrics, split: scored.split, rows: rows.texts.length },
    split: scored.split,
    rows: rows.texts.length,
    ...(unknownLabel ? { unknownLabel } : {}),
    predictions: preds.map((p) => ({ index: p.index, text: p.text, label: p.label, predicted: p.predicted, probabilities: p.probabilities })),
  }
}
