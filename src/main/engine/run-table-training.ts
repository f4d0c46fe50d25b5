// A training job on a table: the table prep fitted on the training rows (scaling, category lists), the
// table encoder (FT-Transformer) from the model registry sized by the run's model settings, the same
// training loop as text (checkpoints, pause and resume, best epoch by validation), the model folder with
// the prep inside, and the table baseline beside it.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../shared/api'
import { resolveConfig, type RunConfig } from '../../shared/config'
import type { BaselineMetrics } from '../../shared/domain'
import { tableDims } from '../../shared/models'
import { encodeTableRows, fitTablePrep, tableColumnsOf, type TablePrep } from '../../shared/table-prep'
import { parseTableRow } from '../../shared/table-rows'
import type { JobData } from '../../shared/trainer-protocol'
import { tableBaselineKind, trainTableBaseline } from './baseline/table-baseline'
import { saveModelFolder } from './model-folder'
import { buildModel } from './models'
import type { ModelSpec } from './models/types'
import { disposeParams, readParams } from './params'
import { writeFileAtomic } from './tensor-file'
import { trainTokenizer } from './tokenizers'
import { balancedClassWeights } from './training/loss'
import { readCheckpoint, trainLoop, type CheckpointData, type TrainCallbacks } from './training/loop'
import type { TrainingJob, TrainingResult } from './run-training'

/** File name of the table baseline inside a run folder. */
export const tableBaselineFile = 'baseline-table.json'

interface TableHeader {
  spec: ModelSpec
  prep: TablePrep
  labels: string[]
  trainable: string[]
  config: RunConfig
}

/** Cells of every row of a split (a row that is not a JSON object is refused, naming it). */
export function splitCells(split: string, texts: string[]): Record<string, string>[] {
  return texts.map((t, i) => {
    const cells = parseTableRow(t)
    if (!cells) throw new UserError(`The ${split} row ${i + 1} is not a table row (its cells as a JSON object).`)
    return cells
  })
}

/** Encoded rows as the loop takes them: value ids and scaled values per row. */
function loopRows(prep: TablePrep, cells: Record<string, string>[]): { rows: Int32Array[]; values: Float32Array[] } {
  const enc = encodeTableRows(prep, cells)
  const F = enc.width
  const rows: Int32Array[] = []
  const values: Float32Array[] = []
  for (let r = 0; r < cells.length; r++) {
    rows.push(enc.ids.slice(r * F, r * F + F))
    values.push(enc.values.slice(r * F, r * F + F))
  }
  return { rows, values }
}

/** Trains (or resumes) a table encoder on a table job; see runTraining. */
export async function runTableTraining(job: TrainingJob, cb: TrainCallbacks, signal: AbortSignal): Promise<TrainingResult> {
  const data = job.data as JobData & { table: NonNullable<JobData['table']> }
  if (resolveConfig(null, job.config).task === 'pretrain') throw new UserError('Pretraining learns from text; this dataset is a table. Train a classifier instead.')
  if (job.initFrom) throw new UserError('A table model trains from scratch: fine-tuning from another run or a base is for texts.')
  const cells = { train: splitCells('train', data.train.texts), validation: splitCells('validation', data.validation.texts), test: data.test ? splitCells('test', data.test.texts) : [] }
  const ckptDir = join(job.runDir, 'checkpoints')
  mkdirSync(ckptDir, { recursive: true })
  const ckptPath = join(ckptDir, 'latest.ckpt')
  let header: TableHeader
  let resume: CheckpointData | null = null
  if (job.resume) {
    if (!existsSync(ckptPath)) throw new UserError('This run has no checkpoint to resume from; start it again instead.', 'not_found')
    resume = readCheckpoint(ckptPath)
    header = resume.header as unknown as TableHeader
    cb.onLog('info', `Resuming from step ${resume.header.state.step}.`)
  } else {
    const config = resolveConfig(null, job.config)
    for (const g of data.table.columns) cb.onLog('info', `Column "${g.name}": ${g.kind}. ${g.reason}`)
    const labelName = data.table.columns.find((c) => c.kind === 'label')?.name ?? 'label'
    // Labels come from the job (the dataset's numbering); the prep only scales and lists categories.
    const fitted = fitTablePrep(data.table.columns, cells.train.map((c, i) => ({ ...c, [labelName]: data.labels[data.train.labels[i]!]! })))
    const prep: TablePrep = { ...fitted, labels: [...data.labels] }
    const spec: ModelSpec = { dims: tableDims(config.model, tableColumnsOf(prep)), head: 'classify', nClasses: data.labels.length, lora: null }
    const model = buildModel(spec, config.train.seed)
    const trainable = [...model.params.keys()]
    disposeParams(model.params)
    header = { spec, prep, labels: [...data.labels], trainable, config }
  }
  const cfg = resolveConfig(null, header.config)
  const train = loopRows(header.prep, cells.train)
  const validation = loopRows(header.prep, cells.validation)
  const model = buildModel(header.spec, cfg.train.seed)
  try {
    const result = await trainLoop(
      {
        model,
        objective: 'classify',
        train: { ...train, labels: data.train.labels },
        validation: { ...validation, labels: data.validation.labels },
        labels: header.labels,
        config: cfg.train,
        trainable: header.trainable,
        classWeights: cfg.train.classWeights === 'balanced' ? balancedClassWeights(data.train.labels, header.labels.length) : null,
        checkpoint: { path: ckptPath, everySteps: job.checkpointEverySteps ?? null, header: { ...header } },
        resume,
      },
      cb,
      signal,
    )
    if (result.paused) return { metrics: null, stoppedEarly: false, bestEpoch: result.bestEpoch, paused: true }
    // The folder's tokenizer is never used by a table model; a tiny one over the column names keeps one format.
    const tokenizer = trainTokenizer({ kind: 'char', vocabSize: 64, lowercase: false, normalize: 'none' }, ['table'])
    saveModelFolder(
      join(job.runDir, 'model'),
      {
        task: 'classify',
        config: cfg,
        spec: header.spec,
        labels: header.labels,
        tokenizer: tokenizer.toJSON(),
        table: header.prep,
        training: { bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly, metrics: result.bestMetrics, createdAt: new Date().toISOString() },
      },
      await readParams(model.params),
    )
    const baseline = tableBaselineBeside(header.prep, data, cells, job.runDir, cb)
    return { metrics: result.bestMetrics, stoppedEarly: result.stoppedEarly, bestEpoch: result.bestEpoch, epochsRun: result.epochsRun, keptBy: result.keptBy, ...(baseline ? { baseline } : {}) }
  } finally {
    disposeParams(model.params)
  }
}

/** Train, save and report the table baseline; a failure is logged, never fails the run. */
function tableBaselineBeside(prep: TablePrep, data: JobData, cells: { train: Record<string, string>[]; validation: Record<string, string>[]; test: Record<string, string>[] }, runDir: string, cb: Pick<TrainCallbacks, 'onLog'>): BaselineMetrics | undefined {
  try {
    const { model, metrics } = trainTableBaseline(prep, {
      train: { cells: cells.train, labels: data.train.labels },
      validation: { cells: cells.validation, labels: data.validation.labels },
      ...(data.test ? { test: { cells: cells.test, labels: data.test.labels } } : {}),
    })
    writeFileAtomic(join(runDir, tableBaselineFile), JSON.stringify(model))
    cb.onLog('info', `Classic baseline (${tableBaselineKind}: logistic regression on scaled numbers and one-hot categories): ${(100 * metrics.accuracy).toFixed(1)}% accuracy on the ${metrics.split} rows.`)
    return metrics
  } catch (err) {
    cb.onLog('warn', `The classic baseline could not be trained: ${(err as Error).message}`)
    return undefined
  }
}
