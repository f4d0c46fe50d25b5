// A short speed measurement: build the model a config describes and time a few real training
// steps (the training loop's own step: forward, loss, gradients, clipping, AdamW) on synthetic
// token ids, so a duration estimate exists before this machine has trained anything.
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../shared/config'
import { buildModel, resolveDims, type ModelSpec } from './models'
import { mixSeed } from './rng'
import { disposeModel } from './run-training'
import { AdamW } from './training/adamw'
import { pretrainObjective } from './pretrain-objective'
import { makeTrainStep, type StepBatch } from './training/train-step'

/** What a calibration measured. */
export interface Calibration {
  /** Tokens (every position of every row, batch * seqLen per step) trained per second. */
  tokensPerSec: number
  msPerStep: number
  /** Timed steps (the warm-up step is not counted). */
  steps: number
  backend: string
}

/** Options of a calibration. */
export interface CalibrateOptions {
  /** Vocabulary the tokenizer will learn (sizes the embedding and, for pretraining, the output). */
  vocabSize: number
  nClasses: number
  /** Timed steps after the warm-up step, default 3. */
  steps?: number
  signal?: AbortSignal
}

/** Token ids below this are the special tokens ([PAD] [UNK] [CLS] [SEP] [MASK]). */
const firstWordId = 5
const clsId = 2

function abortError(): Error {
  const e = new Error('Cancelled.')
  e.name = 'AbortError'
  return e
}

/** Full-length synthetic rows: [CLS] then seeded word ids, no padding (the slowest case a batch can be). */
function syntheticBatch(B: number, T: number, vocabSize: number, nClasses: number, withLabels: boolean, seed: number): StepBatch {
  let s = seed >>> 0
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
  const words = Math.max(1, vocabSize - firstWordId)
  const ids = new Int32Array(B * T)
  for (let b = 0; b < B; b++) {
    ids[b * T] = clsId
    for (let t = 1; t < T; t++) ids[b * T + t] = Math.min(vocabSize - 1, firstWordId + Math.floor(next() * words))
  }
  const labels = withLabels ? Array.from({ length: B }, () => Math.floor(next() * nClasses)) : null
  return { ids, mask: new Float32Array(B * T).fill(1), B, T, labels, rowWeights: null }
}

/** The masked-language-model targets of a synthetic batch: every position after [CLS] at the mask rate's spacing. */
function maskEvery(B: number, T: number, ids: Int32Array, rate: number): { positions: Int32Array; targets: Int32Array } {
  const every = Math.max(1, Math.round(1 / rate))
  const positions: number[] = []
  for (let b = 0; b < B; b++) for (let t = 1; t < T; t += every) positions.push(b * T + t)
  return { positions: Int32Array.from(positions), targets: Int32Array.from(positions, (p) => ids[p]) }
}

/** Time a few training steps of the config's model on this backend; frees every tensor it made. */
export async function calibrate(config: RunConfig, opts: CalibrateOptions): Promise<Calibration> {
  const steps = Math.max(1, Math.floor(opts.steps ?? 3))
  const pretrain = config.task === 'pretrain'
  const nClasses = Math.max(2, opts.nClasses)
  const B = config.train.batchSize
  const T = config.model.seqLen
  const dims = resolveDims(config.model, opts.vocabSize)
  const objective = pretrain ? pretrainObjective(dims) : 'classify'
  const spec: ModelSpec = { dims, head: objective, nClasses, lora: null }
  const plain = syntheticBatch(B, T, opts.vocabSize, nClasses, !pretrain, config.train.seed)
  const batch = objective === 'mlm' ? { ...plain, masked: maskEvery(B, T, plain.ids, config.pretrain.maskRate) } : plain
  const c = config.train
  const model = buildModel(spec, c.seed)
  const trainable = [...model.params.keys()]
  const opt = new AdamW(model.params, trainable, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: c.weightDecay })
  try {
    const step = makeTrainStep({
      model,
      objective,
      trainable,
      opt,
      gradClip: c.gradClip,
      labelSmoothing: c.labelSmoothing,
      lrScale: () => 1,
      decay: (name) => model.params.get(name)!.shape.length >= 2,
    })
    const run = async (i: number) => {
      const loss = step(batch, c.learningRate, mixSeed(c.seed, i, 0xca))
      await loss.data() // wait for the backend to finish the step (WebGPU in Node has no synchronous read)
      loss.dispose()
    }
    // Between steps: let a cancel arrive and the event loop breathe.
    const pause = async () => {
      await new Promise((r) => setImmediate(r))
      if (opts.signal?.aborted) throw abortError()
    }
    if (opts.signal?.aborted) throw abortError()
    await run(0) // warm-up: kernel setup and heap growth are not part of the steady speed
    let elapsed = 0
    for (let i = 1; i <= steps; i++) {
      await pause()
      const t0 = performance.now()
      await run(i)
      elapsed += performance.now() - t0
    }
    const msPerStep = Math.max(elapsed / steps, 1e-3)
    return { tokensPerSec: (B * T * 1000) / msPerStep, msPerStep, steps, backend: tf.getBackend() }
  } finally {
    opt.dispose()
    disposeModel(model)
  }
}
