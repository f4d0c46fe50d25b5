// A whole training job: validate the data, build or restore the tokenizer and model, train with
// checkpoints under `${runDir}/checkpoints/`, and save the best model to `${runDir}/model/`.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { finetuneMode, resolveConfig, type RunConfig } from '../../shared/config'
import type { BaselineMetrics, RunMetrics } from '../../shared/domain'
import { UserError } from '../../shared/api'
import { adapterFitProblem } from '../../shared/adapter-limits'
import { activeBufferLimit } from './backend'
import type { JobData } from '../../shared/trainer-protocol'
import { trainBaselineBeside } from './baseline/beside-run'
import { runTableTraining } from './run-table-training'
import { selectTrainable, startFromModel } from './finetune'
import { fitHeadOnFeatures } from './finetune-head'
import { pretrainObjective } from './pretrain-objective'
import { saveModelFolder } from './model-folder'
import { startRunner } from './parallel/start-runner'
import { buildModel, modelShapes, resolveDims } from './models'
import type { ModelSpec, TextModel } from './models/types'
import { assignParams, disposeParams, readParams } from './params'
import { encodeRows } from './training/batching'
import { readCheckpoint, trainLoop, type CheckpointData, type TrainCallbacks } from './training/loop'
import { balancedClassWeights } from './training/loss'
import { tokenizerFromJSON, trainTokenizer, type Tokenizer, type TokenizerJSON } from './tokenizers'

/** One training job as the trainer process receives it. */
export interface TrainingJob {
  config: RunConfig
  data: JobData
  runDir: string
  resume: boolean
  initFrom: string | null
  /** Checkpoint every N optimiser steps; unset picks a cadence costing under ~2% of training time. */
  checkpointEverySteps?: number
  /** Test hook: the first gradient worker exits abruptly at this step (counted from 1). */
  crashWorkerAtStep?: number
}

/** The outcome of a training job. */
export interface TrainingResult {
  metrics: RunMetrics | null
  stoppedEarly: boolean
  bestEpoch: number
  /** Epochs trained before stopping. */
  epochsRun?: number
  /** The validation figure that picked the kept epoch. */
  keptBy?: 'macroF1' | 'loss'
  paused?: boolean
  /** The classic baseline trained on the same split (classification runs). */
  baseline?: BaselineMetrics
}

/** What the checkpoint header stores besides the loop state, so a resume needs no re-derivation. */
interface JobHeader {
  spec: ModelSpec
  tokenizer: TokenizerJSON
  labels: string[]
  trainable: string[]
  lrScale: Record<string, number>
  config: RunConfig
  /** A fine-tune whose head is new (its first fit may be a linear probe). */
  newHead?: boolean
}

/** Trains (or resumes, or fine-tunes) a model; see TrainingJob. */
export async function runTraining(job: TrainingJob, cb: TrainCallbacks, signal: AbortSignal): Promise<TrainingResult> {
  if (job.data?.table) return runTableTraining(job, cb, signal)
  const config = resolveConfig(null, job.config)
  const data = job.data
  const pretrain = config.task === 'pretrain'
  checkData(config, data)
  const labels = pretrain ? [] : data.labels
  const ckptDir = join(job.runDir, 'checkpoints')
  mkdirSync(ckptDir, { recursive: true })
  const ckptPath = join(ckptDir, 'latest.ckpt')

  let header: JobHeader
  let resume: CheckpointData | null = null
  let initial: Map<string, { shape: number[]; data: Float32Array }> | null = null
  if (job.resume) {
    if (!existsSync(ckptPath)) throw new UserError('This run has no checkpoint to resume from; start it again instead.', 'not_found')
    resume = readCheckpoint(ckptPath)
    header = resume.header as unknown as JobHeader
    cb.onLog('info', `Resuming from step ${resume.header.state.step}.`)
  } else if (job.initFrom) {
    const start = startFromModel(job.initFrom, config, labels, (m) => cb.onLog('info', m))
    const names = [...modelNames(start.spec)]
    header = { spec: start.spec, tokenizer: start.tokenizer, labels, ...selectTrainable(names, config.finetune, true), config, newHead: !pretrain && !start.keptHead }
    initial = start.weights
  } else {
    const texts = pretrain ? trainingTexts(data) : data.train.texts
    const tok = trainTokenizer(config.tokenizer, texts)
    const dims = resolveDims(config.model, tok.vocabSize)
    const spec: ModelSpec = { dims, head: pretrain ? pretrainObjective(dims) : 'classify', nClasses: labels.length, lora: null }
    if (config.finetune.lora.enabled) cb.onLog('warn', 'LoRA adapters need a base model to adapt; training all weights from scratch instead.')
    header = { spec, tokenizer: tok.toJSON(), labels, ...selectTrainable([...modelNames(spec)], config.finetune, false), config }
  }

  // A resumed run continues with the settings it started with.
  const cfg = job.resume ? resolveConfig(null, header.config) : config
  const tokenizer: Tokenizer = tokenizerFromJSON(header.tokenizer)
  const seqLen = header.spec.dims.maxLen - 1
  const cut = { truncated: 0 }
  const trainRows = encodeRows(tokenizer, pretrain ? trainingTexts(data) : data.train.texts, seqLen, cut)
  const valRows = encodeRows(tokenizer, data.validation.texts, seqLen, cut)
  if (cut.truncated) {
    const all = trainRows.length + valRows.length
    cb.onLog('warn', `${cut.truncated} of ${all} texts are longer than the model's ${seqLen} tokens and were cut at the end (${Math.round((100 * cut.truncated) / all)}%).`)
  }
  // On WebGPU every tensor is one GPU buffer: a model or batch past the adapter's limit is refused up front, saying what to lower.
  const bufferLimit = activeBufferLimit()
  const tooBig = bufferLimit ? adapterFitProblem(header.spec, cfg.train.batchSize, bufferLimit) : null
  if (tooBig) throw new UserError(tooBig)
  const model = buildModel(header.spec, cfg.train.seed)
  let runner: Awaited<ReturnType<typeof startRunner>> = null
  try {
    if (initial) {
      const copied = assignParams(model.params, initial, { allowMissing: true })
      cb.onLog('info', `Initialised ${copied.length} of ${model.params.size} weights from the base model.`)
    }
    const mode = finetuneMode(cfg.finetune)
    const save = (r: { bestEpoch: number; stoppedEarly: boolean; bestMetrics: RunMetrics | null }) => saveTrained(job.runDir, cfg, header, labels, model, r)
    if (initial && !pretrain && mode === 'frozen') {
      // The body never changes: run it once per text, fit the head on the cached features.
      const fitted = await fitHeadOnFeatures(model, { rows: trainRows, labels: data.train.labels }, { rows: valRows, labels: data.validation.labels }, labels, cb, signal)
      await save({ bestEpoch: fitted.iterations, stoppedEarly: false, bestMetrics: fitted.metrics })
      const baseline = trainBaselineBeside(data, job.runDir, cb)
      return { metrics: fitted.metrics, stoppedEarly: false, bestEpoch: fitted.iterations, keptBy: 'loss', ...(baseline ? { baseline } : {}) }
    }
    if (initial && header.newHead && mode === 'full' && cfg.finetune.probeFirst) {
      // Linear probe, then fine-tune (Kumar et al. 2022): a fitted head instead of a random one keeps the
      // first full steps from sending large, random gradients into the pretrained body. Fitted on the raw features:
      // a standardised fit folded back turned the body's first moves into huge logits (validation loss 16.9 after
      // one epoch instead of 1.4, measured on the State of the Union set).
      const probe = await fitHeadOnFeatures(model, { rows: trainRows, labels: data.train.labels }, { rows: valRows, labels: data.validation.labels }, labels, null, signal, { standardize: false })
      cb.onLog('info', `Fitted the new head on the base's features first (validation accuracy ${(100 * (probe.metrics?.accuracy ?? 0)).toFixed(1)}%), then training every weight.`)
    }
    // The thread count is this session's choice (a resumed run may use another): results do not depend on it.
    runner = await startRunner(model, { workers: config.train.workers, seed: cfg.train.seed, objective: pretrain ? pretrainObjective(header.spec.dims) : 'classify', trainable: header.trainable, labelSmoothing: cfg.train.labelSmoothing, crashWorkerAtStep: job.crashWorkerAtStep }, cb)
    const result = await trainLoop(
      {
        model,
        objective: pretrain ? pretrainObjective(header.spec.dims) : 'classify',
        maskRate: cfg.pretrain.maskRate,
        train: { rows: trainRows, labels: pretrain ? [] : data.train.labels },
        validation: { rows: valRows, labels: pretrain ? [] : data.validation.labels },
        labels,
        config: cfg.train,
        trainable: header.trainable,
        lrScale: header.lrScale,
        classWeights: !pretrain && cfg.train.classWeights === 'balanced' ? balancedClassWeights(data.train.labels, labels.length) : null,
        checkpoint: { path: ckptPath, everySteps: job.checkpointEverySteps ?? null, header: { ...header } },
        resume,
        runner,
      },
      cb,
      signal,
    )
    if (result.paused) return { metrics: null, stoppedEarly: false, bestEpoch: result.bestEpoch, paused: true }
    await save(result)
    const baseline = pretrain ? undefined : trainBaselineBeside(data, job.runDir, cb)
    return {
      metrics: pretrain ? null : result.bestMetrics,
      stoppedEarly: result.stoppedEarly,
      bestEpoch: result.bestEpoch,
      epochsRun: result.epochsRun,
      keptBy: result.keptBy,
      ...(baseline ? { baseline } : {}),
    }
  } finally {
    await runner?.stop()
    disposeModel(model)
  }
}

/** Writes the trained model folder under `${runDir}/model/`. */
async function saveTrained(runDir: string, cfg: RunConfig, header: JobHeader, labels: string[], model: TextModel, r: { bestEpoch: number; stoppedEarly: boolean; bestMetrics: RunMetrics | null }): Promise<void> {
  saveModelFolder(
    join(runDir, 'model'),
    {
      task: cfg.task,
      config: cfg,
      spec: header.spec,
      labels,
      tokenizer: header.tokenizer,
      training: { bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly, metrics: r.bestMetrics, createdAt: new Date().toISOString() },
    },
    await readParams(model.params),
  )
}

/** Frees a model's weights. */
export function disposeModel(model: TextModel): void {
  disposeParams(model.params)
}

function trainingTexts(data: JobData): string[] {
  return data.unlabeled && data.unlabeled.length ? data.unlabeled : data.train.texts
}

function modelNames(spec: ModelSpec): string[] {
  return modelShapes(spec).map(([name]) => name)
}

function checkData(config: RunConfig, data: JobData): void {
  if (!data || !data.train || !data.validation) throw new UserError('The training data is incomplete: it needs train and validation rows.')
  if (config.task === 'pretrain') {
    if (!trainingTexts(data).some((t) => typeof t === 'string' && t.trim())) throw new UserError('Pretraining needs some unlabeled text, but every text is empty.')
    return
  }
  if (!Array.isArray(data.labels) || data.labels.length < 2) throw new UserError('A classifier needs at least two labels; this dataset has fewer.')
  if (!data.train.texts.length) throw new UserError('There are no training rows.')
  for (const [split, rows] of [['train', data.train], ['validation', data.validation]] as const) {
    if (rows.texts.length !== rows.labels.length) throw new UserError(`The ${split} rows have ${rows.texts.length} texts but ${rows.labels.length} labels.`)
    const bad = rows.labels.findIndex((y) => !Number.isInteger(y) || y < 0 || y >= data.labels.length)
    if (bad >= 0) throw new UserError(`The ${split} row ${bad + 1} has a label index (${rows.labels[bad]}) outside the ${data.labels.length} labels.`)
  }
}
