// The standalone classifier inside every exported bundle: tokenizer (the app's own code, compiled
// in), texts sorted by length into batches padded to their own longest row (the graph takes any length
// up to seqLen), the graph model through plain TensorFlow.js, and attention rollout for highlighting. TensorFlow.js is passed in, so the same code runs in Node (predict.mjs), in a
// browser page (tf.min.js) and in the app's own export check.
import { attentionRollout } from '../../rollout'
import { encodeBatch, tokenizerFromJSON, type Tokenizer } from '../../tokenizers'
import type { BundleFiles } from './types'
import { parseTableRow } from '../../../../shared/table-rows'
import { tableGraphInputs } from '../../../../shared/table-inputs'
import { parsePixels } from './image-input'

/** The few TensorFlow.js functions the runtime uses (from @tensorflow/tfjs or tf.min.js). */
export interface TfLike {
  tensor(values: Int32Array | Float32Array, shape: number[], dtype: 'int32' | 'float32'): TensorLike
  loadGraphModel(handler: unknown): Promise<GraphModelLike>
  io: { fromMemory(artifacts: Record<string, unknown>): unknown }
}
interface TensorLike {
  data(): Promise<ArrayLike<number>>
  dispose(): void
}
interface GraphModelLike {
  execute(inputs: Record<string, TensorLike>, outputs: string[]): TensorLike | TensorLike[]
  dispose(): void
}

/** One classified text. */
export interface BundlePrediction {
  label: string
  probabilities: Record<string, number>
  /** Probabilities in label order. */
  probs: number[]
  /** With attention: the tokens the model saw ([CLS] first), each layer's weights [L][H][n][n] and the rollout. */
  tokens?: string[]
  attention?: number[][][][]
  rollout?: number[]
}

/** A loaded bundle. */
export interface BundleClassifier {
  labels: string[]
  tokenizer: Tokenizer
  /** Token ids and mask as the model takes them: row-major [B, T], T = the longest row (at most seqLen). */
  encode(texts: string[]): { ids: Int32Array; mask: Float32Array; B: number; T: number; tokens: string[][] }
  classify(texts: string[], opts?: { attention?: boolean; batchSize?: number }): Promise<BundlePrediction[]>
  dispose(): void
}

/** Loads a bundle's graph model from memory (no file:// or fetch needed). */
export async function loadClassifier(tf: TfLike, files: BundleFiles): Promise<BundleClassifier> {
  const pre = files.preprocessing
  const tokenizer = tokenizerFromJSON(files.tokenizer)
  const w = files.weights
  const weightData = w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength)
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: files.model.modelTopology,
      weightSpecs: files.model.weightsManifest.flatMap((g) => g.weights),
      weightData,
      format: files.model.format,
      generatedBy: files.model.generatedBy,
      convertedBy: files.model.convertedBy,
      signature: files.model.signature,
    }),
  )
  const encode = (texts: string[]) => encodeBatch(tokenizer, texts, { seqLen: pre.seqLen, addCls: true, padTo: 'longest' })

  /** Table rows (JSON objects of cells): probabilities, and with attention the columns' share of [CLS]'s last-layer attention. */
  async function classifyTable(texts: string[], attention: boolean): Promise<BundlePrediction[]> {
    const table = pre.table!
    const rows = texts.map((t, i) => {
      const cells = parseTableRow(t)
      if (!cells) throw new Error(`Row ${i + 1} is not a table row: give each row as a JSON object of column -> value.`)
      return cells
    })
    const x = tableGraphInputs(table.prep, rows)
    const T = 1 + x.F
    const feeds: Record<string, TensorLike> = { [pre.inputs.ids]: tf.tensor(x.ids, [x.B, T], 'int32') }
    if (table.values) feeds[table.values] = tf.tensor(x.values, [x.B, x.Fn], 'float32')
    const last = pre.outputs.attention[pre.outputs.attention.length - 1]
    const names = [pre.outputs.probabilities, attention && last ? last : pre.outputs.probabilities]
    const outs = model.execute(feeds, names) as TensorLike[]
    try {
      const C = files.labels.length
      const probs = await outs[0]!.data()
      const a = attention && last ? await outs[1]!.data() : null
      const columns = [...table.prep.numeric.map((c) => c.name), ...table.prep.categorical.map((c) => c.name)]
      return texts.map((_, b) => {
        const out = toPrediction(files.labels, Array.from({ length: C }, (_, c) => probs[b * C + c]))
        if (!a) return out
        // [B, H, T, T]: row b, query [CLS], keys 1..F, mean over heads
        const H = a.length / (x.B * T * T)
        const rollout = columns.map((_, j) => {
          let s = 0
          for (let h = 0; h < H; h++) s += a[((b * H + h) * T + 0) * T + 1 + j]
          return s / H
        })
        return { ...out, tokens: columns, rollout }
      })
    } finally {
      for (const t of Object.values(feeds)) t.dispose()
      for (const t of new Set(outs)) t.dispose()
    }
  }

  /** Images (JSON lists of pixels at the model's size): probabilities, and with attention the rollout from [CLS] over the patches. */
  async function classifyImages(texts: string[], attention: boolean): Promise<BundlePrediction[]> {
    const im = pre.image!
    const n = im.size * im.size * im.channels
    const px = new Float32Array(texts.length * n)
    texts.forEach((t, i) => px.set(parsePixels(t, im, texts.length > 1 ? `Image ${i + 1}` : 'The image'), i * n))
    const pixels = tf.tensor(px, [texts.length, n], 'float32')
    const names = [pre.outputs.probabilities, ...(attention ? pre.outputs.attention : [])]
    const raw = model.execute({ [im.input]: pixels }, names.length === 1 ? [names[0], names[0]] : names)
    const outs = Array.isArray(raw) ? raw : [raw]
    try {
      const C = files.labels.length
      const probs = await outs[0].data()
      const layers = attention ? await Promise.all(outs.slice(1, names.length).map((t) => t.data())) : []
      const T = 1 + (im.size / im.patch) ** 2
      return texts.map((_, b) => {
        const out = toPrediction(files.labels, Array.from({ length: C }, (_, c) => probs[b * C + c]))
        if (!attention) return out
        // [B, H, T, T] -> this image's [H][T][T]; rollout from [CLS], the patches' share (patch n = row * G + column)
        const weights = layers.map((data) => {
          const H = data.length / (texts.length * T * T)
          return Array.from({ length: H }, (_, h) => Array.from({ length: T }, (_, q) => Array.from({ length: T }, (_, k) => data[((b * H + h) * T + q) * T + k])))
        })
        return { ...out, attention: weights, rollout: attentionRollout(weights, 0).slice(1) }
      })
    } finally {
      pixels.dispose()
      for (const t of new Set(outs)) t.dispose()
    }
  }

  async function classifyBatch(texts: string[], attention: boolean): Promise<BundlePrediction[]> {
    if (pre.table) return classifyTable(texts, attention)
    if (pre.image) return classifyImages(texts, attention)
    const enc = encode(texts)
    const ids = tf.tensor(enc.ids, [enc.B, enc.T], 'int32')
    const mask = tf.tensor(enc.mask, [enc.B, enc.T], 'float32')
    const names = [pre.outputs.probabilities, ...(attention ? pre.outputs.attention : [])]
    // Ask for the probabilities twice when alone: execute() returns a bare tensor for one name.
    const raw = model.execute({ [pre.inputs.ids]: ids, [pre.inputs.mask]: mask }, names.length === 1 ? [names[0], names[0]] : names)
    const outs = Array.isArray(raw) ? raw : [raw]
    try {
      const C = files.labels.length
      const probs = await outs[0].data()
      const layers = attention ? await Promise.all(outs.slice(1, names.length).map((t) => t.data())) : []
      return texts.map((_, b) => {
        const p = Array.from({ length: C }, (_, c) => probs[b * C + c])
        const out = toPrediction(files.labels, p)
        if (!attention) return out
        const n = enc.tokens[b].length
        const T = enc.T
        // [B, H, T, T] -> this row's [H][n][n] (real tokens only)
        const weights = layers.map((data) => {
          const H = data.length / (enc.B * T * T)
          return Array.from({ length: H }, (_, h) =>
            Array.from({ length: n }, (_, q) => Array.from({ length: n }, (_, k) => data[((b * H + h) * T + q) * T + k])),
          )
        })
        const pooled = pre.pooled === 'mean' ? 'mean' : pre.pooled === 'last' ? n - 1 : 0
        const rollout = weights.length ? attentionRollout(weights, pooled) : new Array<number>(n).fill(1 / n)
        return { ...out, tokens: enc.tokens[b], attention: weights, rollout }
      })
    } finally {
      ids.dispose()
      mask.dispose()
      for (const t of new Set(outs)) t.dispose()
    }
  }

  return {
    labels: files.labels,
    tokenizer,
    encode,
    async classify(texts, opts = {}) {
      const size = opts.batchSize ?? 32
      // Texts of similar length share a batch, so a short text is never padded to a long neighbour.
      const order = byLength(texts.map((t) => t.length))
      const out: BundlePrediction[] = new Array(texts.length)
      for (let s = 0; s < order.length; s += size) {
        const idx = order.slice(s, s + size)
        const preds = await classifyBatch(idx.map((i) => texts[i]), !!opts.attention)
        idx.forEach((i, k) => (out[i] = preds[k]))
      }
      return out
    },
    dispose: () => model.dispose(),
  }
}

// Indices sorted by text length (characters: a cheap stand-in for token counts that orders them alike).
function byLength(lengths: number[]): number[] {
  return lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b)
}

function toPrediction(labels: string[], probs: number[]): BundlePrediction {
  let best = 0
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i
  const probabilities: Record<string, number> = {}
  labels.forEach((l, i) => (probabilities[l] = probs[i]))
  return { label: labels[best], probabilities, probs }
}
