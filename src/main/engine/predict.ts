// Using a saved model: load it, classify texts (optionally with attention maps and rollout), and
// evaluate it on labelled rows.
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../shared/config'
import type { AttentionMap, Prediction, RunMetrics } from '../../shared/domain'
import { UserError } from '../../shared/api'
import { modelInfo } from '../../shared/models'
import { classificationMetrics } from './metrics'
import { readModelFolder, type ModelFile } from './model-folder'
import { modelShapes } from './models'
import { modelFromParams } from './models'
import { InferencePool, MIN_PARALLEL_ROWS } from './parallel/infer-pool'
import type { TextModel } from './models/types'
import { disposeParams, type Params } from './params'
import { attentionRollout } from './rollout'
import { encodeBatch, tokenizerFromJSON, type Tokenizer } from './tokenizers'
import { encodeRows } from './training/batching'
import { argmax, classifyRows } from './training/evaluate-rows'

/** A model loaded for prediction; call dispose() when done. */
export interface LoadedModel {
  model: TextModel
  labels: string[]
  tokenizer: Tokenizer
  config: RunConfig
  file: ModelFile
  /** Worker threads holding copies of the model (see useInferenceThreads), or null. */
  threads?: InferencePool | null
  dispose(): void
}

/**
 * Gives the model inference threads (one per core by default) when `rows` is large enough for them to
 * pay; later large predictions and evaluations share their batches out. Idempotent.
 */
export async function useInferenceThreads(m: LoadedModel, rows: number, threads = 0): Promise<void> {
  if (m.threads || rows < MIN_PARALLEL_ROWS) return
  // Without threads (they could not start) the same predictions come from this thread alone.
  m.threads = await InferencePool.start(m.model, threads).catch(() => null)
}

// Large row sets go through the inference threads when the model has them.
function classify(m: LoadedModel, rows: ReturnType<typeof encodeRows>, labels: number[] | null) {
  return m.threads && rows.length >= MIN_PARALLEL_ROWS ? m.threads.classifyRows(rows, labels) : classifyRows(m.model, rows, labels)
}

/** Loads a model folder written by training. */
export async function loadModel(modelDir: string): Promise<LoadedModel> {
  const { file, weights } = readModelFolder(modelDir)
  const params: Params = new Map()
  for (const [name, shape] of modelShapes(file.spec)) {
    const w = weights.get(name)
    if (!w || w.shape.join(',') !== shape.join(',')) {
      disposeParams(params)
      throw new UserError(`The saved model in ${modelDir} is damaged: weight ${name} is missing or has the wrong shape.`)
    }
    params.set(name, tf.tidy(() => tf.variable(tf.tensor(w.data, w.shape, 'float32'), false)))
  }
  const model = modelFromParams(file.spec, params)
  const loaded: LoadedModel = {
    model, labels: file.labels, tokenizer: tokenizerFromJSON(file.tokenizer), config: file.config, file, threads: null,
    dispose: () => {
      void loaded.threads?.stop()
      loaded.threads = null
      disposeParams(params)
    },
  }
  return loaded
}

function requireClassifier(m: LoadedModel): void {
  if (m.model.spec.head !== 'classify') throw new UserError('This is a pretrained language model, not a classifier: fine-tune it on labelled data first.')
}

/** Classifies texts; with `attention`, adds every layer's and head's weights and the rollout to the pooled token. */
export async function predictTexts(m: LoadedModel, texts: string[], opts: { attention: boolean }): Promise<Prediction[]> {
  requireClassifier(m)
  const seqLen = m.model.spec.dims.maxLen - 1
  if (!opts.attention) {
    const { probs } = await classify(m, encodeRows(m.tokenizer, texts, seqLen), null)
    return probs.map((p) => toPrediction(m.labels, p))
  }
  const out: Prediction[] = []
  for (const text of texts) {
    const enc = encodeBatch(m.tokenizer, [text], { seqLen, addCls: true, padTo: 'longest' })
    const [probsT, ...attn] = tf.tidy(() => {
      const ids = tf.tensor2d(enc.ids, [1, enc.T], 'int32')
      const mask = tf.tensor2d(enc.mask, [1, enc.T])
      const r = m.model.forward(ids, mask, { training: false, returnAttention: true })
      return [tf.softmax(r.logits), ...r.attention]
    })
    const probs = Array.from((await probsT.data()) as Float32Array)
    // [L] x [1, H, T, T] -> [L][H][T][T]
    const weights = (await Promise.all(attn.map((a) => a.array()))) as number[][][][][]
    tf.dispose([probsT, ...attn])
    const layers = weights.map((w) => w[0])
    const T = enc.T
    const attention: AttentionMap = { tokens: enc.tokens[0].slice(0, T), weights: layers, rollout: rolloutFor(m.model, layers, T) }
    out.push({ ...toPrediction(m.labels, probs), attention })
  }
  return out
}

function rolloutFor(model: TextModel, layers: number[][][][], T: number): number[] {
  if (!layers.length) return new Array(T).fill(1 / T) // bag of embeddings: every token counts equally
  const { arch, pooling } = model.spec.dims
  const pooled: number | 'mean' = pooling === 'mean' ? 'mean' : modelInfo(arch).summary === 'last' ? T - 1 : 0
  return attentionRollout(layers, pooled)
}

function toPrediction(labels: string[], probs: number[]): Prediction {
  const probabilities: Record<string, number> = {}
  labels.forEach((l, i) => (probabilities[l] = probs[i]))
  return { label: labels[argmax(probs)], probabilities }
}

/** Metrics and per-row predictions of a model on labelled rows (`indices` identify the rows to the caller). */
export async function evaluateModel(
  m: LoadedModel,
  data: { texts: string[]; labels: number[]; indices: number[] },
): Promise<{ metrics: RunMetrics; predictions: { index: number; predicted: string; probabilities: Record<string, number> }[] }> {
  requireClassifier(m)
  if (!data.texts.length) throw new UserError('There are no rows to evaluate on.')
  const bad = data.labels.findIndex((y) => !Number.isInteger(y) || y < 0 || y >= m.labels.length)
  if (bad >= 0) throw new UserError(`Row ${bad + 1} has a label index outside this model's ${m.labels.length} labels.`)
  const rows = encodeRows(m.tokenizer, data.texts, m.model.spec.dims.maxLen - 1)
  const { probs, loss } = await classify(m, rows, data.labels)
  const metrics = classificationMetrics(data.labels, probs.map(argmax), probs, m.labels, loss)
  const predictions = probs.map((p, i) => {
    const pr = toPrediction(m.labels, p)
    return { index: data.indices[i] ?? i, predicted: pr.label, probabilities: pr.probabilities }
  })
  return { metrics, predictions }
}
