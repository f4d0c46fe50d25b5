// A trainer stand-in that speaks the real protocol, for testing the runs service's queue,
// lifecycle, sweeps and comparisons without tensors. Its "training" is deterministic in
// (seed, step), keeps a checkpoint file, and can be paused, cancelled, failed or killed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Prediction, RunMetrics } from '../../../src/shared/domain'
import type { HostMessage, JobData, TrainerJob, TrainerMessage } from '../../../src/shared/trainer-protocol'
import type { SpawnTrainer, TrainerHandle } from '../../../src/main/services/trainer-host'

export interface FakeOptions {
  stepsPerEpoch?: number
  stepDelayMs?: number
  /** Crash (as if killed) when reaching this step, once per spawner. */
  crashAtStep?: number
  /** Fail with a non-resumable error at this step. */
  failAtStep?: number
  /** Rows the model of a run gets wrong: index % wrongMod === 0. Default from the learning rate. */
  wrongMod?: (job: Extract<TrainerJob, { kind: 'train' }>) => number
  tokensPerSec?: number
  /** What a 'calibrate' job measures, in tokens per second (default 2000). */
  calibratedTokensPerSec?: number
}

/** Deterministic "loss" of a run at a step. */
export const fakeLoss = (seed: number, step: number) => 1 / (1 + step) + (seed % 7) / 1000

function metricsFrom(labels: string[], truth: number[], predicted: number[]): RunMetrics {
  const k = labels.length
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  truth.forEach((t, i) => confusion[t][predicted[i]]++)
  const perClass: RunMetrics['perClass'] = {}
  let f1Sum = 0
  labels.forEach((l, c) => {
    const tp = confusion[c][c]
    const support = confusion[c].reduce((a, b) => a + b, 0)
    const predictedC = confusion.reduce((a, row) => a + row[c], 0)
    const precision = predictedC ? tp / predictedC : 0
    const recall = support ? tp / support : 0
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0
    f1Sum += f1
    perClass[l] = { precision, recall, f1, support }
  })
  const accuracy = truth.filter((t, i) => t === predicted[i]).length / Math.max(1, truth.length)
  return { accuracy, macroF1: f1Sum / k, weightedF1: f1Sum / k, loss: 1 - accuracy, perClass, confusion, labels }
}

/** A spawner whose processes are simulated in-process. `jobs` records every job started. */
export function createFakeSpawner(opts: FakeOptions = {}) {
  const jobs: TrainerJob[] = []
  const handles: TrainerHandle[] = []
  let crashed = false
  let failed = false
  const spawn: SpawnTrainer = () => {
    let msgCb: (m: TrainerMessage) => void = () => {}
    let exitCb: (i: { code: number | null; signal: string | null }) => void = () => {}
    let exited = false
    let stop: 'cancel' | 'pause' | null = null
    const post = (m: TrainerMessage) => setImmediate(() => !exited && msgCb(m))
    const exit = (code: number | null, signal: string | null, delay = 2) =>
      setTimeout(() => {
        if (exited) return
        exited = true
        exitCb({ code, signal })
      }, delay)
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

    async function train(job: Extract<TrainerJob, { kind: 'train' }>) {
      const data = JSON.parse(readFileSync(job.dataPath, 'utf8')) as JobData
      const spe = opts.stepsPerEpoch ?? 5
      const epochs = job.config.train.epochs
      const total = spe * epochs
      const ckFile = join(job.runDir, 'checkpoints', 'fake.json')
      let start = 1
      if (job.resume && existsSync(ckFile)) start = (JSON.parse(readFileSync(ckFile, 'utf8')) as { step: number }).step + 1
      const seed = job.config.train.seed
      for (let step = start; step <= total; step++) {
        if (exited) return
        if (stop === 'cancel') {
          post({ type: 'error', message: 'Cancelled.', resumable: true })
          exit(0, null)
          return
        }
        if (opts.crashAtStep === step && !crashed) {
          crashed = true
          exit(null, 'SIGKILL', 0)
          return
        }
        if (opts.failAtStep === step && !failed) {
          failed = true
          post({ type: 'error', message: 'Loss became NaN: lower the learning rate.', resumable: false })
          exit(1, null)
          return
        }
        const epoch = Math.ceil(step / spe)
        const loss = fakeLoss(seed, step)
        post({ type: 'metric', point: { step, epoch, split: 'train', loss, lr: job.config.train.learningRate, time: step } })
        post({ type: 'progress', step, epoch, totalSteps: total, loss, lr: job.config.train.learningRate, tokensPerSec: opts.tokensPerSec ?? 1000, etaSec: total - step })
        if (step % spe === 0) {
          post({ type: 'metric', point: { step, epoch, split: 'validation', loss: loss * 1.1, accuracy: 0.5, time: step } })
          mkdirSync(join(job.runDir, 'checkpoints'), { recursive: true })
          writeFileSync(ckFile, JSON.stringify({ step }))
          post({ type: 'checkpoint', step, epoch })
          if (stop === 'pause') {
            post({ type: 'done', result: { kind: 'train', metrics: null, stoppedEarly: false, bestEpoch: epoch, paused: true } })
            exit(0, null)
            return
          }
        }
        await sleep(opts.stepDelayMs ?? 1)
      }
      const wrongMod = opts.wrongMod?.(job) ?? Math.max(2, Math.round(job.config.train.learningRate * 10000))
      mkdirSync(join(job.runDir, 'model'), { recursive: true })
      writeFileSync(join(job.runDir, 'model', 'fake.json'), JSON.stringify({ wrongMod, labels: data.labels }))
      const truth = data.validation.labels
      const pred = predictRows(data.validation.indices, truth, data.labels.length, wrongMod)
      post({ type: 'done', result: { kind: 'train', metrics: metricsFrom(data.labels, truth, pred), stoppedEarly: false, bestEpoch: epochs } })
      exit(0, null)
    }

    function predictRows(indices: number[], truth: number[], k: number, wrongMod: number) {
      return truth.map((t, i) => (indices[i] % wrongMod === 0 ? (t + 1) % k : t))
    }

    function fakePredictions(job: Extract<TrainerJob, { kind: 'predict' }>): Prediction[] {
      const model = JSON.parse(readFileSync(join(job.modelDir, 'fake.json'), 'utf8')) as { wrongMod: number; labels: string[] }
      return job.texts.map((text) => {
        const label = model.labels[text.length % model.labels.length]
        const tokens = text.split(/\s+/)
        return {
          label,
          probabilities: Object.fromEntries(model.labels.map((l) => [l, l === label ? 0.9 : 0.1 / (model.labels.length - 1)])),
          attention: job.attention ? { tokens, weights: [[tokens.map(() => tokens.map(() => 1 / tokens.length))]], rollout: tokens.map(() => 1 / tokens.length) } : undefined,
        }
      })
    }

    async function run(job: TrainerJob) {
      post({ type: 'ready', backend: { name: 'cpu', description: 'fake', skipped: [] } })
      if (job.kind === 'train') return train(job)
      if (job.kind === 'calibrate') {
        const tokensPerSec = opts.calibratedTokensPerSec ?? 2000
        const tokensPerStep = job.config.train.batchSize * job.config.model.seqLen
        await sleep(opts.stepDelayMs ?? 0)
        post({ type: 'done', result: { kind: 'calibrate', tokensPerSec, msPerStep: (tokensPerStep * 1000) / tokensPerSec, steps: 3, backend: 'cpu' } })
        exit(0, null)
        return
      }
      const model = job.kind === 'predict' || job.kind === 'evaluate' ? (JSON.parse(readFileSync(join(job.modelDir, 'fake.json'), 'utf8')) as { wrongMod: number; labels: string[] }) : null
      if (job.kind === 'evaluate' && model) {
        const data = JSON.parse(readFileSync(job.dataPath, 'utf8')) as JobData
        const rows = data.test && data.test.texts.length ? data.test : data.validation
        const pred = predictRows(rows.indices, rows.labels, data.labels.length, model.wrongMod)
        post({
          type: 'done',
          result: {
            kind: 'evaluate',
            metrics: metricsFrom(data.labels, rows.labels, pred),
            predictions: pred.map((p, i) => ({ index: rows.indices[i], predicted: data.labels[p], probabilities: { [data.labels[p]]: 0.9 } })),
          },
        })
      } else if (job.kind === 'predict' && model) {
        post({ type: 'done', result: { kind: 'predict', predictions: fakePredictions(job) } })
      } else post({ type: 'done', result: { kind: 'probe' } })
      exit(0, null)
    }

    const handle: TrainerHandle = {
      pid: 1_000_000 + handles.length,
      send(msg: HostMessage) {
        if (msg.type === 'start') {
          jobs.push(msg.job)
          void run(msg.job).catch((err: Error) => {
            post({ type: 'error', message: err.message, resumable: false })
            exit(1, null)
          })
        } else if (msg.type === 'request') {
          // Warm-worker mode: answer without exiting.
          jobs.push(msg.job)
          try {
            post({ type: 'response', id: msg.id, predictions: fakePredictions(msg.job) })
          } catch (err) {
            post({ type: 'response', id: msg.id, error: (err as Error).message })
          }
        } else if (msg.type === 'cancel') stop = 'cancel'
        else if (msg.type === 'pause') stop = 'pause'
      },
      onMessage: (cb) => (msgCb = cb),
      onExit: (cb) => (exitCb = cb),
      kill: () => exit(null, 'SIGKILL', 0),
    }
    handles.push(handle)
    return handle
  }
  return { spawn, jobs, handles }
}
