// A whole training job on images: the trainer process has read each split's images at the run's size; this
// trains the ViT, saves the best model to `${runDir}/model/` and trains the pixel baseline beside it
// (`${runDir}/image-baseline.json`). Checkpoints go to `${runDir}/checkpoints/latest.ckpt` as for text: a paused or
// interrupted run continues from there with the settings it started with.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { resolveConfig, type RunConfig } from '../../shared/config'
import type { JobData } from '../../shared/trainer-protocol'
import { UserError } from '../../shared/api'
import { trainImageBaseline } from './baseline/image-logistic'
import { saveModelFolder } from './model-folder'
import { readParams, disposeParams } from './params'
import type { TrainingResult } from './run-training'
import { writeFileAtomic } from './tensor-file'
import { trainTokenizer } from './tokenizers'
import { trainImages, type ImageSplits } from './train-image'
import { readCheckpoint } from './training/loop'
import type { TrainCallbacks } from './training/loop'

/** Decoded pixels per split, in the order of the job data's rows. */
export interface ImagePixels {
  train: Uint8Array[]
  validation: Uint8Array[]
  test: Uint8Array[]
}

/** File name of the image baseline inside a run folder. */
export const imageBaselineFile = 'image-baseline.json'

/** The job's rows as image splits, refused in a sentence when the pixels do not line up with them. */
export function imageSplitsOf(data: JobData, pixels: ImagePixels): ImageSplits {
  const test = data.test ?? { texts: [], labels: [], indices: [] }
  for (const [name, rows, px] of [['training', data.train, pixels.train], ['validation', data.validation, pixels.validation], ['test', test, pixels.test]] as const) {
    if (rows.labels.length !== px.length) throw new UserError(`The ${name} split has ${rows.labels.length} labels but ${px.length} images.`)
  }
  return { labels: data.labels, train: { pixels: pixels.train, labels: data.train.labels }, validation: { pixels: pixels.validation, labels: data.validation.labels }, test: { pixels: pixels.test, labels: test.labels } }
}

/** Trains a ViT on a job's images; see the file comment. */
export async function runImageTraining(
  job: { config: RunConfig; data: JobData; runDir: string; pixels: ImagePixels; resume?: boolean; checkpointEverySteps?: number },
  cb: TrainCallbacks,
  signal: AbortSignal,
): Promise<TrainingResult> {
  const ckptDir = join(job.runDir, 'checkpoints')
  mkdirSync(ckptDir, { recursive: true })
  const ckptPath = join(ckptDir, 'latest.ckpt')
  let resume = null
  if (job.resume) {
    if (!existsSync(ckptPath)) throw new UserError('This run has no checkpoint to resume from; start it again instead.', 'not_found')
    resume = readCheckpoint(ckptPath)
    cb.onLog('info', `Resuming from step ${resume.header.state.step}.`)
  }
  // A resumed run continues with the settings it started with (the pixels were read at that size).
  const config = resolveConfig(null, resume ? (resume.header as unknown as { config: RunConfig }).config : job.config)
  if (config.task !== 'classify') throw new UserError('Images train classifiers only; pretraining reads text.')
  const splits = imageSplitsOf(job.data, job.pixels)
  const checkpoint = { path: ckptPath, everySteps: job.checkpointEverySteps ?? null, header: { config } }
  const result = await trainImages(splits, config, cb, signal, { checkpoint, resume })
  try {
    if (result.loop.paused) return { metrics: null, stoppedEarly: false, bestEpoch: result.loop.bestEpoch, paused: true }
    // The model file's format carries a tokenizer; an image model never reads it (a one-character placeholder).
    const tokenizer = trainTokenizer({ kind: 'char', vocabSize: 32, lowercase: true, normalize: 'none' }, ['image']).toJSON()
    saveModelFolder(
      join(job.runDir, 'model'),
      {
        task: 'classify',
        config,
        spec: result.model.spec,
        labels: splits.labels,
        tokenizer,
        training: { bestEpoch: result.loop.bestEpoch, stoppedEarly: result.loop.stoppedEarly, metrics: result.validation, createdAt: new Date().toISOString() },
      },
      await readParams(result.model.params),
    )
  } finally {
    disposeParams(result.model.params)
  }
  let baseline: TrainingResult['baseline']
  try {
    const base = trainImageBaseline(splits, config.image.size, config.image.channels)
    writeFileAtomic(join(job.runDir, imageBaselineFile), JSON.stringify(base.model))
    baseline = base.metrics
    cb.onLog('info', `Classic baseline (logistic regression on 8 x 8 pixels): ${(100 * base.metrics.accuracy).toFixed(1)}% accuracy on the ${base.metrics.split} images, trained in ${base.metrics.seconds.toFixed(1)} s.`)
  } catch (err) {
    cb.onLog('warn', `The classic baseline could not be trained: ${(err as Error).message}`)
  }
  return {
    metrics: result.validation,
    stoppedEarly: result.loop.stoppedEarly,
    bestEpoch: result.loop.bestEpoch,
    epochsRun: result.loop.epochsRun,
    keptBy: result.loop.keptBy,
    ...(baseline ? { baseline } : {}),
  }
}
