// Frozen-feature fine-tuning: the base runs once per text (no dropout, no gradients), its pooled outputs
// are cached, and only the classifier head is fitted on them. The same fit is the linear probe that
// starts a full fine-tune with a sensible head.
import * as tf from '@tensorflow/tfjs-core'
import type { RunMetrics } from '../../shared/domain'
import { classificationMetrics } from './metrics'
import type { TextModel } from './models/types'
import type { Row } from './training/batching'
import { argmax, classifyRows, pooledFeatures } from './training/evaluate-rows'
import { fitHead } from './training/fit-head'
import type { TrainCallbacks } from './training/loop'
import { abortError } from './training/loop'

/** Encoded rows with their class indices. */
interface LabelledRows {
  rows: Row[]
  labels: number[]
}

/** Fits the model's head/w and head/b on the body's pooled features; returns the validation metrics of the whole model. */
export async function fitHeadOnFeatures(
  model: TextModel,
  train: LabelledRows,
  validation: LabelledRows,
  labels: string[],
  cb: TrainCallbacks | null,
  signal: AbortSignal,
  opts: { l2?: number; standardize?: boolean } = {},
): Promise<{ iterations: number; metrics: RunMetrics | null }> {
  const t0 = performance.now()
  const tokens = [...train.rows, ...validation.rows].reduce((n, r) => n + r.length, 0)
  const xTrain = await pooledFeatures(model, train.rows)
  if (signal.aborted) throw abortError()
  const xVal = await pooledFeatures(model, validation.rows)
  if (signal.aborted) throw abortError()
  const featureSec = (performance.now() - t0) / 1000
  cb?.onLog('info', `Ran the base once over ${train.rows.length + validation.rows.length} texts in ${featureSec.toFixed(1)} s; fitting the head on the cached features.`)
  const fitted = fitHead(
    { x: xTrain, y: train.labels },
    { x: xVal, y: validation.labels },
    {
      nClasses: labels.length,
      l2: opts.l2,
      standardize: opts.standardize,
      signal,
      onReport: cb
        ? ({ progress, points }) => {
            cb.onProgress({ ...progress, tokensPerSec: tokens / featureSec })
            for (const p of points) cb.onMetric(p)
          }
        : undefined,
    },
  )
  if (signal.aborted) throw abortError()
  const D = xTrain[0].length
  tf.tidy(() => {
    model.params.get('head/w')!.assign(tf.tensor2d(fitted.w, [D, labels.length]))
    model.params.get('head/b')!.assign(tf.tensor1d(fitted.b))
  })
  if (!validation.rows.length) return { iterations: fitted.iterations, metrics: null }
  const { probs, loss } = await classifyRows(model, validation.rows, validation.labels)
  const metrics = classificationMetrics(validation.labels, probs.map(argmax), probs, labels, loss)
  cb?.onMetric({ step: fitted.iterations, epoch: fitted.iterations, split: 'validation', loss, accuracy: metrics.accuracy, macroF1: metrics.macroF1, time: Date.now() })
  return { iterations: fitted.iterations, metrics }
}
