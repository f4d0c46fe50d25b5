// Using a saved image model: class probabilities of images, with what [CLS] looked at (the explorer's maps:
// per layer and head the [CLS] row over the patches, and the rollout through every layer), and evaluation on
// labelled images.
import * as tf from '@tensorflow/tfjs-core'
import { UserError } from '../../shared/api'
import type { RunMetrics } from '../../shared/domain'
import { classificationMetrics } from './metrics'
import type { LoadedModel } from './predict'
import { attentionRollout } from './rollout'
import { classifyImages } from './train-image'
import { argmax } from './training/evaluate-rows'

/** One image's prediction; with attention, G x G maps (patch n = row * G + column) of where [CLS] looked. */
export interface ImagePrediction {
  label: string
  probabilities: Record<string, number>
  attention?: {
    grid: number
    /** [layer][head][patch]: the [CLS] row of each head's weights over the patches. */
    heads: number[][][]
    /** Attention rollout from [CLS] to the patches (sums to 1 minus [CLS]'s own share). */
    rollout: number[]
  }
}

function imageShape(m: LoadedModel) {
  const im = m.model.spec.dims.image
  if (!im) throw new UserError('This model reads text, not images.')
  return im
}

/** Classifies images (pixels at the model's size); with `attention`, adds the maps. */
export function predictImages(m: LoadedModel, pixels: Uint8Array[], opts: { attention: boolean }): ImagePrediction[] {
  const im = imageShape(m)
  const N = im.size * im.size * im.channels
  const G = im.size / im.patch
  const out: ImagePrediction[] = []
  for (const px of pixels) {
    if (px.length !== N) throw new UserError(`The model reads ${im.size} x ${im.size} images with ${im.channels} channel(s); this one has ${px.length} values.`)
    const { probs, maps } = tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(px), [1, N])
      const r = m.model.forward(tf.zeros([1, N], 'int32'), x, { training: false, returnAttention: opts.attention })
      return { probs: tf.softmax(r.logits), maps: r.attention.map((a) => a.squeeze([0])) } // [1, C]; per layer [H, T, T]
    })
    const p = Array.from(probs.dataSync())
    const probabilities = Object.fromEntries(m.labels.map((l, k) => [l, p[k]!]))
    const pred: ImagePrediction = { label: m.labels[argmax(p)]!, probabilities }
    if (opts.attention) {
      const weights = maps.map((a) => a.arraySync() as number[][][]) // [L][H][T][T]
      const rollout = attentionRollout(weights, 0)
      pred.attention = { grid: G, heads: weights.map((layer) => layer.map((head) => head[0]!.slice(1))), rollout: rollout.slice(1) }
    }
    tf.dispose([probs, ...maps])
    out.push(pred)
  }
  return out
}

/** Metrics and per-image predictions on labelled images (`indices` identify the rows to the caller). */
export async function evaluateImages(
  m: LoadedModel,
  pixels: Uint8Array[],
  data: { labels: number[]; indices: number[] },
): Promise<{ metrics: RunMetrics; predictions: { index: number; predicted: string; probabilities: Record<string, number> }[] }> {
  imageShape(m)
  if (!pixels.length) throw new UserError('There are no images to evaluate on.')
  const probs = await classifyImages(m.model, pixels)
  const loss = probs.reduce((s, p, i) => s - Math.log(Math.max(p[data.labels[i]!] ?? 0, 1e-12)), 0) / probs.length
  const metrics = classificationMetrics(data.labels, probs.map(argmax), probs, m.labels, loss)
  const predictions = probs.map((p, i) => ({
    index: data.indices[i] ?? i,
    predicted: m.labels[argmax(p)]!,
    probabilities: Object.fromEntries(m.labels.map((l, k) => [l, p[k]!])),
  }))
  return { metrics, predictions }
}
