// Training the image encoder (ViT) on decoded images: pixels at the run's size in, a model and its metrics out,
// through the same training loop as text and tables (best epoch by validation, early stopping), with the run's
// augmentation applied to training batches only. Knows nothing of the app or of files: decoding is the caller's.
import type { RunConfig } from '../../shared/config'
import type { RunMetrics } from '../../shared/domain'
import { imageDims, patchSizeFor, type ModelSpec } from '../../shared/models'
import { classificationMetrics } from './metrics'
import { buildModel } from './models'
import { startRunner } from './parallel/start-runner'
import type { TextModel } from './models/types'
import { augmentBatch, augments } from './training/image-augment'
import { argmax, classifyRows } from './training/evaluate-rows'
import { trainLoop, type CheckpointData, type LoopInput, type LoopResult, type TrainCallbacks } from './training/loop'

/** Images of one split: pixels (size x size x channels, 0..255, row-major, channels last) and label ids. */
export interface ImageSplit {
  pixels: Uint8Array[]
  labels: number[]
}

/** A labelled image set split three ways, decoded at one size. */
export interface ImageSplits {
  labels: string[]
  train: ImageSplit
  validation: ImageSplit
  test: ImageSplit
}

/** What an image training produced. The caller disposes the model's weights. */
export interface ImageTrainingResult {
  model: TextModel
  loop: LoopResult
  /** Validation metrics of the kept epoch. */
  validation: RunMetrics | null
  /** Test metrics (null without test images). */
  test: RunMetrics | null
}

/** The spec of an image classifier for a run's settings. */
export function imageSpec(config: RunConfig, nClasses: number): ModelSpec {
  const { size, channels } = config.image
  return { dims: imageDims(config.model, { size, channels, patch: patchSizeFor(size) }), head: 'classify', nClasses, lora: null }
}

/** The loop's rows for images: one shared all-zero id row per image (the model reads only the pixels). */
export function loopImages(split: ImageSplit, perImage: number): { rows: Int32Array[]; values: Float32Array[]; labels: number[] } {
  const zero = new Int32Array(perImage)
  return {
    rows: split.pixels.map(() => zero),
    values: split.pixels.map((p) => {
      if (p.length !== perImage) throw new Error(`An image holds ${p.length} values; the model reads ${perImage}.`)
      return Float32Array.from(p)
    }),
    labels: split.labels,
  }
}

/** Class probabilities of images (in order) with an image model. */
export async function classifyImages(model: TextModel, pixels: Uint8Array[], batchSize = 64): Promise<number[][]> {
  const im = model.spec.dims.image
  if (!im) throw new Error('Not an image model.')
  const rows = loopImages({ pixels, labels: [] }, im.size * im.size * im.channels)
  return (await classifyRows(model, rows.rows, null, batchSize, rows.values)).probs
}

/** Where checkpoints go and the one to continue from (a paused or interrupted run); both optional. */
export interface ImageTrainingOptions {
  checkpoint?: LoopInput['checkpoint']
  resume?: CheckpointData | null
}

/** Trains a ViT with `config`'s model size, image settings and training settings. */
export async function trainImages(splits: ImageSplits, config: RunConfig, cb: TrainCallbacks, signal: AbortSignal, opts: ImageTrainingOptions = {}): Promise<ImageTrainingResult> {
  if (splits.train.pixels.length === 0) throw new Error('There are no training images.')
  if (splits.labels.length < 2) throw new Error('Images of at least two labels are needed to train a classifier.')
  const spec = imageSpec(config, splits.labels.length)
  const { size, channels } = config.image
  const N = size * size * channels
  const [train, validation] = [loopImages(splits.train, N), loopImages(splits.validation, N)]
  const setup = { size, channels, augment: config.image.augment }
  const model = buildModel(spec, config.train.seed)
  const trainable = [...model.params.keys()]
  cb.onLog('info', `Images: ${size} x ${size} ${channels === 1 ? 'grey' : 'colour'}, ${spec.dims.image!.patch} x ${spec.dims.image!.patch} patches (${spec.dims.maxLen - 1} tokens + [CLS]).`)
  let runner: Awaited<ReturnType<typeof startRunner>> = null
  try {
    // Data-parallel threads as for text (results do not depend on their number): each gets its rows of the augmented batch.
    runner = await startRunner(model, { workers: config.train.workers, seed: config.train.seed, objective: 'classify', trainable, labelSmoothing: config.train.labelSmoothing }, cb)
    const loop = await trainLoop(
      {
        model, objective: 'classify', train, validation, labels: splits.labels, config: config.train, trainable, checkpoint: opts.checkpoint ?? null, resume: opts.resume ?? null, runner,
        augment: augments(setup.augment) ? (b, seed) => augmentBatch(b, setup, seed) : null,
      },
      // The loop counts a row's values as its tokens; a ViT's tokens are its patches and [CLS].
      {
        ...cb,
        onProgress: (p) => cb.onProgress({ ...p, tokensPerSec: (p.tokensPerSec * spec.dims.maxLen) / N }),
        onMetric: (m) => cb.onMetric(m.tokensPerSec === undefined ? m : { ...m, tokensPerSec: (m.tokensPerSec * spec.dims.maxLen) / N }),
      },
      signal,
    )
    let test: RunMetrics | null = null
    if (splits.test.pixels.length > 0) {
      const probs = await classifyImages(model, splits.test.pixels)
      const loss = probs.reduce((n, p, i) => n - Math.log(Math.max(p[splits.test.labels[i]!]!, 1e-12)), 0) / probs.length
      test = classificationMetrics(splits.test.labels, probs.map(argmax), probs, splits.labels, loss)
    }
    return { model, loop, validation: loop.bestMetrics, test }
  } catch (err) {
    for (const v of model.params.values()) v.dispose()
    throw err
  } finally {
    await runner?.stop()
  }
}
