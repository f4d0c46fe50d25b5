// The training loop. It knows nothing of the app: it takes encoded data, a model, the train config,
// callbacks and an AbortSignal. Exact resumption: the checkpoint holds the weights, AdamW's moments
// and step, the schedule position, the epoch's batch order, the early-stopping state and the best
// weights; dropout seeds and data order are pure functions of (seed, step, epoch), so that state is
// the whole random state too.
import type { TrainConfig } from '../../../shared/config'
import type { MetricPoint, RunMetrics, TrainingProgress } from '../../../shared/domain'
import { classificationMetrics } from '../metrics'
import type { TextModel } from '../models/types'
import { assignParams, readParams } from '../params'
import { mixSeed } from '../rng'
import { readContainer, writeContainer, type NamedArray } from '../tensor-file'
import { AdamW } from './adamw'
import { epochBatches, padRows, type PaddedBatch, type Row } from './batching'
import { argmax, classifyRows, languageModelRowsLoss, maskedLmRowsLoss } from './evaluate-rows'
import { maskBatch } from './masking'
import { learningRate } from './schedule'
import { makeTrainStep, type Objective, type TrainStepSetup } from './train-step'

/** A step that runs elsewhere (data-parallel threads): one optimiser step on the global batch, its loss. */
export interface StepRunner {
  step(setup: TrainStepSetup, batch: Parameters<ReturnType<typeof makeTrainStep>>[0], lr: number, dropoutSeed: number, step: number): Promise<number>
  /** The owner's weights changed outside step() (restored from a checkpoint). */
  weightsChanged(): void
}

/** Progress of training, for progress bars (the shared shape the trainer forwards as is). */
export type TrainProgress = TrainingProgress

/** How the loop reports. */
export interface TrainCallbacks {
  onProgress(p: TrainProgress): void
  onMetric(point: MetricPoint): void
  onCheckpoint(step: number, epoch: number): void
  onLog(level: 'info' | 'warn' | 'error', message: string): void
}

/** Everything resumable about a run in progress (stored as JSON in the checkpoint). */
export interface LoopState {
  step: number
  /** 0-based epoch in progress. */
  epoch: number
  batchInEpoch: number
  /** This epoch's batches (row indices); [] before the epoch starts. */
  order: number[][]
  adamT: number
  totalSteps: number
  /** Validation loss of the kept epoch. */
  bestLoss: number | null
  /** 1-based epoch of the kept weights: best by `keepBest` (0 = none yet). */
  bestEpoch: number
  bestMetrics: RunMetrics | null
  badEpochs: number
  stoppedEarly: boolean
  done: boolean
  /** The counter-based random state: seed plus the step and epoch counters above. */
  rng: { seed: number; step: number; epoch: number }
}

/** Inputs of one training session (a fresh start or a resumption). */
export interface LoopInput {
  model: TextModel
  objective: Objective
  /** Objective 'mlm': share of tokens masked per text. */
  maskRate?: number
  /** Rows and labels; a table model's rows also carry their scaled values (ids are then the value ids). */
  train: { rows: Row[]; labels: number[]; values?: Float32Array[] }
  validation: { rows: Row[]; labels: number[]; values?: Float32Array[] }
  /** Class names (classify). */
  labels: string[]
  config: TrainConfig
  /** Names of the weights that train; the rest stay frozen. */
  trainable: string[]
  /** Learning-rate multiplier per weight (default 1). */
  lrScale?: Record<string, number>
  /** Per-class loss weights, or null. */
  classWeights?: Float32Array | null
  /** Where checkpoints go; `everySteps` null picks a cadence costing under ~2% of the time. */
  checkpoint: { path: string; everySteps: number | null; header: Record<string, unknown> } | null
  /** A checkpoint read with readCheckpoint to continue from. */
  resume?: CheckpointData | null
  /** Runs each step across threads (same results as in this thread); null or absent runs it here. */
  runner?: StepRunner | null
  /** Changes each training batch (image augmentation), with draws from the seed given: a function of (seed, step). */
  augment?: ((batch: PaddedBatch, seed: number) => PaddedBatch) | null
}

/** What a session ended with. The model holds the best weights unless paused. */
export interface LoopResult {
  paused: boolean
  stoppedEarly: boolean
  bestEpoch: number
  bestMetrics: RunMetrics | null
  bestLoss: number | null
  /** Epochs actually trained (fewer than configured when stopped early or capped by steps). */
  epochsRun: number
  /** The validation figure that chose the kept epoch. */
  keptBy: 'macroF1' | 'loss'
  state: LoopState
}

/** A checkpoint as read back. */
export interface CheckpointData {
  header: { kind: 'checkpoint'; version: 1; state: LoopState } & Record<string, unknown>
  arrays: Map<string, NamedArray>
}

/** Reads a checkpoint file. */
export function readCheckpoint(path: string): CheckpointData {
  const c = readContainer<CheckpointData['header']>(path)
  if (c.header.kind !== 'checkpoint' || c.header.version !== 1) throw new Error('not a training checkpoint of this version')
  return c
}

/** Optimiser steps a run will take. */
export function plannedSteps(nRows: number, c: TrainConfig): number {
  const perEpoch = Math.ceil(nRows / c.batchSize)
  const all = perEpoch * c.epochs
  return c.maxSteps > 0 ? Math.min(all, c.maxSteps) : all
}

/** An error that means "stopped on request". */
export function abortError(): Error {
  const e = new Error('Training was cancelled.')
  e.name = 'AbortError'
  return e
}

/** Trains until done, stopped early, paused (signal reason 'pause') or cancelled (throws AbortError). */
export async function trainLoop(input: LoopInput, cb: TrainCallbacks, signal: AbortSignal): Promise<LoopResult> {
  const { model, config: c, objective } = input
  const params = model.params
  const lengths = input.train.rows.map((r) => r.length)
  if (!lengths.length) throw new Error('There are no training rows.')
  const decayable = (name: string) => params.get(name)!.shape.length >= 2
  const scale = (name: string) => input.lrScale?.[name] ?? 1
  const opt = new AdamW(params, input.trainable, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: c.weightDecay })
  const weightsPerClass = input.classWeights ?? null
  const setup: TrainStepSetup = {
    model, objective, trainable: input.trainable, opt, gradClip: c.gradClip, labelSmoothing: c.labelSmoothing, lrScale: scale, decay: decayable,
  }
  const trainStep = makeTrainStep(setup)

  let state: LoopState
  let bestWeights: Map<string, NamedArray> | null = null
  if (input.resume) {
    const { header, arrays } = input.resume
    state = structuredClone(header.state)
    assignParams(params, prefixed(arrays, 'param/'))
    assignParams(opt.m, prefixed(arrays, 'adam_m/'))
    assignParams(opt.v, prefixed(arrays, 'adam_v/'))
    opt.t = state.adamT
    const best = prefixed(arrays, 'best/')
    bestWeights = best.size ? best : null
    input.runner?.weightsChanged()
  } else {
    state = {
      step: 0,
      epoch: 0,
      batchInEpoch: 0,
      order: [],
      adamT: 0,
      totalSteps: plannedSteps(lengths.length, c),
      bestLoss: null,
      bestEpoch: 0,
      bestMetrics: null,
      badEpochs: 0,
      stoppedEarly: false,
      done: false,
      rng: { seed: c.seed, step: 0, epoch: 0 },
    }
  }

  const session = { start: performance.now(), tokens: 0, steps: 0, lastCkpt: performance.now(), lastWriteMs: 0 }
  const hasValidation = input.validation.rows.length > 0
  const keptBy: LoopResult['keptBy'] = objective !== 'classify' ? 'loss' : (c.keepBest ?? 'macroF1') // language models have no macro-F1
  if (!hasValidation) cb.onLog('warn', 'There are no validation rows: no early stopping, and the last epoch is kept.')

  const saveCheckpoint = async () => {
    if (!input.checkpoint) return
    const t0 = performance.now()
    state.adamT = opt.t
    state.rng = { seed: c.seed, step: state.step, epoch: state.epoch }
    const arrays = new Map<string, NamedArray>()
    for (const [k, v] of await readParams(params)) arrays.set(`param/${k}`, v)
    for (const [k, v] of await readParams(opt.m)) arrays.set(`adam_m/${k}`, v)
    for (const [k, v] of await readParams(opt.v)) arrays.set(`adam_v/${k}`, v)
    if (bestWeights) for (const [k, v] of bestWeights) arrays.set(`best/${k}`, v)
    writeContainer(input.checkpoint.path, { kind: 'checkpoint', version: 1, state, ...input.checkpoint.header }, arrays)
    session.lastWriteMs = performance.now() - t0
    session.lastCkpt = performance.now()
    cb.onCheckpoint(state.step, state.epoch + (state.batchInEpoch === 0 ? 0 : 1))
  }
  const checkpointDue = () => {
    if (!input.checkpoint) return false
    const every = input.checkpoint.everySteps
    if (every) return state.step % every === 0
    return performance.now() - session.lastCkpt >= Math.max(60_000, 50 * session.lastWriteMs)
  }

  try {
    while (!state.done) {
      if (state.order.length === 0) state.order = epochBatches(lengths, c.batchSize, c.seed, state.epoch)
      while (state.batchInEpoch < state.order.length && state.step < state.totalSteps) {
        // tfjs reads resolve as microtasks; yielding a macrotask lets the host's cancel/pause arrive.
        await new Promise<void>((resolve) => setImmediate(resolve))
        if (signal.aborted) {
          if (signal.reason === 'pause') {
            await saveCheckpoint()
            return { paused: true, stoppedEarly: false, bestEpoch: state.bestEpoch, bestMetrics: state.bestMetrics, bestLoss: state.bestLoss, epochsRun: state.epoch, keptBy, state }
          }
          throw abortError()
        }
        const idx = state.order[state.batchInEpoch]
        const padded = padRows(input.train.rows, idx, input.train.values)
        const b = input.augment ? input.augment(padded, mixSeed(c.seed, state.step, 0xa96)) : padded
        const lr = learningRate(state.step, state.totalSteps, c)
        const dropoutSeed = mixSeed(c.seed, state.step, 0xd0)
        const labels = objective === 'classify' ? idx.map((i) => input.train.labels[i]) : null
        const rowWeights = labels && weightsPerClass ? labels.map((y) => weightsPerClass[y]) : null
        const masked = objective === 'mlm' ? maskBatch(b, model.spec.dims.vocabSize, input.maskRate ?? 0.15, mixSeed(c.seed, state.step, 0x3a5c)) : undefined
        const batch = { ...b, ...(masked ? { ids: masked.ids, masked } : {}), labels, rowWeights }
        let loss: number
        if (input.runner) loss = await input.runner.step(setup, batch, lr, dropoutSeed, state.step + 1)
        else {
          const lossT = trainStep(batch, lr, dropoutSeed)
          loss = (await lossT.data())[0]!
          lossT.dispose()
        }
        if (!Number.isFinite(loss)) throw new Error(`The training loss became ${loss} at step ${state.step + 1}: lower the learning rate or turn on gradient clipping.`)
        state.step++
        state.batchInEpoch++
        session.steps++
        session.tokens += b.tokens
        const elapsed = (performance.now() - session.start) / 1000
        const tokensPerSec = elapsed > 0 ? session.tokens / elapsed : 0
        const etaSec = session.steps ? (elapsed / session.steps) * (state.totalSteps - state.step) : 0
        cb.onProgress({ step: state.step, epoch: state.epoch + 1, totalSteps: state.totalSteps, loss, lr, tokensPerSec, etaSec })
        cb.onMetric({ step: state.step, epoch: state.epoch + 1, split: 'train', loss, lr, tokensPerSec, time: Date.now() })
        if (state.batchInEpoch < state.order.length && state.step < state.totalSteps && checkpointDue()) await saveCheckpoint()
      }

      // End of the epoch (or of the step budget): validate, keep the best, maybe stop.
      const epochNo = state.epoch + 1
      if (hasValidation) {
        const v = await validate(input, model, signal)
        cb.onMetric({ step: state.step, epoch: epochNo, split: 'validation', loss: v.loss, accuracy: v.metrics?.accuracy, macroF1: v.metrics?.macroF1, time: Date.now() })
        if (improves(keptBy, v, state)) {
          state.bestLoss = v.loss
          state.bestEpoch = epochNo
          state.bestMetrics = v.metrics
          state.badEpochs = 0
          bestWeights = await readParams(params)
        } else {
          state.badEpochs++
          if (c.patience > 0 && state.badEpochs >= c.patience) {
            state.stoppedEarly = true
            const what = keptBy === 'loss' ? 'validation loss' : 'validation macro-F1'
            cb.onLog('info', `Stopped early after epoch ${epochNo}: ${what} has not improved for ${state.badEpochs} epochs; keeping epoch ${state.bestEpoch}.`)
          }
        }
      } else {
        state.bestEpoch = epochNo
        bestWeights = null
      }
      state.epoch++
      state.batchInEpoch = 0
      state.order = []
      if (state.stoppedEarly || state.epoch >= c.epochs || state.step >= state.totalSteps) state.done = true
      await saveCheckpoint()
    }
    // Best-checkpoint restore.
    if (bestWeights) assignParams(params, bestWeights)
    return { paused: false, stoppedEarly: state.stoppedEarly, bestEpoch: state.bestEpoch, bestMetrics: state.bestMetrics, bestLoss: state.bestLoss, epochsRun: state.epoch, keptBy, state }
  } finally {
    opt.dispose()
  }
}

/** Whether this epoch's validation beats the kept one: higher macro-F1 (ties: lower loss), or lower loss. */
export function improves(by: 'macroF1' | 'loss', v: { loss: number; metrics: RunMetrics | null }, state: Pick<LoopState, 'bestLoss' | 'bestMetrics'>): boolean {
  if (state.bestLoss === null) return true
  if (by === 'loss' || !v.metrics || !state.bestMetrics) return v.loss < state.bestLoss
  const f1 = v.metrics.macroF1
  const best = state.bestMetrics.macroF1
  if (Math.abs(f1 - best) > 1e-9) return f1 > best
  return v.loss < state.bestLoss
}

async function validate(input: LoopInput, model: TextModel, signal: AbortSignal): Promise<{ loss: number; metrics: RunMetrics | null }> {
  if (signal.aborted && signal.reason !== 'pause') throw abortError()
  const bs = Math.max(input.config.batchSize, 32)
  if (input.objective === 'lm') return { loss: await languageModelRowsLoss(model, input.validation.rows, bs), metrics: null }
  if (input.objective === 'mlm') return { loss: await maskedLmRowsLoss(model, input.validation.rows, input.maskRate ?? 0.15, input.config.seed, bs), metrics: null }
  const { probs, loss } = await classifyRows(model, input.validation.rows, input.validation.labels, bs, input.validation.values)
  const metrics = classificationMetrics(input.validation.labels, probs.map(argmax), probs, input.labels, loss)
  return { loss, metrics }
}

function prefixed(arrays: Map<string, NamedArray>, prefix: string): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>()
  for (const [k, v] of arrays) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v)
  return out
}
