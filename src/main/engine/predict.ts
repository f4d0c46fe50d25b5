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
import { encodeTableRows, type TablePrep } from '../../shared/table-prep'
import { parseTableRow } from '../../shared/table-rows'
import { predictTableRows } from './predict-table'

/** A model loaded for prediction; call dispose() when done. */
export interface LoadedModel {
  model: TextModel
  labels: string[]
  tokenizer: Tokenizer
  config: RunConfig
  file: ModelFile
  /** Table models: the prep that turns cells into the model's inputs. */
  table: TablePrep | null
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
    model, labels: file.labels, tokenizer: tokenizerFromJSON(file.tokenizer), config: file.config, file, table: file.table ?? null, threads: null,
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
  if (m.table) return predictTable(m, m.table, texts, opts)
  if (m.model.spec.dims.image) throw new UserError('This model reads images: give it an image, not text.')
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

/** A table row's cells from its JSON, or a refusal that says what a row should look like. */
function tableCells(prep: TablePrep, texts: string[]): Record<string, string>[] {
  return texts.map((t, i) => {
    const cells = parseTableRow(t)
    if (cells) return cells
    const example = JSON.stringify(Object.fromEntries([...prep.numeric.map((c) => [c.name, '1.5']), ...prep.categorical.map((c) => [c.name, c.values[0] ?? 'a'])].slice(0, 3)))
    throw new UserError(`${texts.length > 1 ? `Row ${i + 1}: a` : 'A'} table model reads a row of cells as a JSON object, e.g. ${example}.`)
  })
}

function predictTable(m: LoadedModel, prep: TablePrep, texts: string[], opts: { attention: boolean }): Prediction[] {
  const r = predictTableRows(m.model, prep, tableCells(prep, texts), { attention: opts.attention })
  return r.probs.map((p, i) => ({ ...toPrediction(m.labels, p), ...(r.attention ? { columns: { names: r.columns, attention: r.attention[i]! } } : {}) }))
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
  let probs: number[][]
  let loss: number
  if (m.table) {
    const enc = encodeTableRows(m.table, tableCells(m.table, data.texts))
    const F = enc.width
    const rows = data.texts.map((_, r) => enc.ids.slice(r * F, r * F + F))
    const values = data.texts.map((_, r) => enc.values.slice(r * F, r * F + F))
    ;({ probs, loss } = await classifyRows(m.model, rows, data.labels, 64, values))
  } else {
    ;({ probs, loss } = await classify(m, encodeRows(m.tokenizer, data.texts, m.model.spec.dims.maxLen - 1), data.labels))
  }
  const metrics = classificationMetrics(data.labels, probs.map(argmax), probs, m.labels, loss)
  const predictions = probs.map((p, i) => {
    const pr = toPrediction(m.labels, p)
    return { index: data.indices[i] ?? i, predicted: pr.label, probabilities: pr.probabilities }
  })
  return { metrics, predictions }
}
