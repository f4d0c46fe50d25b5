// The standalone classifier inside an exported classic baseline: the app's own TF-IDF vectorizer
// (compiled in, the same code the app fitted it with), a dense feature row per text, and the graph
// model (features x weights + bias, softmax) through plain TensorFlow.js. TensorFlow.js is passed in,
// so the same code runs in Node (predict.mjs), in the demo page (tf.min.js) and in the app's check.
import { TfidfVectorizer, type SparseRow, type TfidfJSON } from '../../baseline/tfidf'
import type { TfjsGraphModelJson } from '../tfjs-graph'
import type { BundlePrediction, TfLike } from './classifier'

/** Input and output names of the baseline's graph (tfjs and ONNX alike). */
export const tfidfGraphNames = { features: 'features', probabilities: 'probabilities' } as const

/** vectorizer.json: the fitted vectorizer exactly as the app fitted it, with its fixed settings spelled out. */
export interface VectorizerFile extends TfidfJSON {
  format: 'attention-workbench-tfidf'
  version: 1
  /** What the code does (documentation for someone re-implementing it; the code is in predict.mjs). */
  settings: {
    lowercase: true
    wordTokens: string
    charNgrams: string
    tf: 'sublinear: 1 + ln(count)'
    idf: 'smooth: ln((1 + n) / (1 + df)) + 1'
    norm: 'l2 within each block, blocks side by side'
    unknownTerms: 'ignored'
  }
}

/** Everything the baseline runtime needs, already read into memory. */
export interface TfidfBundleFiles {
  model: TfjsGraphModelJson
  /** The weights file named in the model's manifest. */
  weights: Uint8Array
  vectorizer: VectorizerFile
  labels: string[]
}

/** A loaded baseline bundle. */
export interface TfidfClassifier {
  labels: string[]
  nFeatures: number
  /** One text's sparse TF-IDF row (indices ascending). */
  vectorize(text: string): SparseRow
  classify(texts: string[], opts?: { batchSize?: number }): Promise<BundlePrediction[]>
  dispose(): void
}

/** Rows of sparse features as one dense [B, F] block, the graph's input. */
export function denseRows(rows: SparseRow[], nFeatures: number): Float32Array {
  const out = new Float32Array(rows.length * nFeatures)
  rows.forEach((r, b) => {
    for (let t = 0; t < r.idx.length; t++) out[b * nFeatures + r.idx[t]] = r.val[t]
  })
  return out
}

/** Loads a baseline bundle's graph model from memory. */
export async function loadTfidfClassifier(tf: TfLike, files: TfidfBundleFiles): Promise<TfidfClassifier> {
  const vec = new TfidfVectorizer(files.vectorizer)
  const F = vec.nFeatures
  const w = files.weights
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: files.model.modelTopology,
      weightSpecs: files.model.weightsManifest.flatMap((g) => g.weights),
      weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength),
      format: files.model.format,
      generatedBy: files.model.generatedBy,
      convertedBy: files.model.convertedBy,
      signature: files.model.signature,
    }),
  )
  const C = files.labels.length
  return {
    labels: files.labels,
    nFeatures: F,
    vectorize: (text) => vec.transform(text),
    async classify(texts, opts = {}) {
      const size = opts.batchSize ?? 32
      const out: BundlePrediction[] = []
      for (let s = 0; s < texts.length; s += size) {
        const batch = texts.slice(s, s + size)
        const x = tf.tensor(denseRows(vec.transformAll(batch), F), [batch.length, F], 'float32') // [B, F]
        // Ask for the probabilities twice: execute() returns a bare tensor for one name.
        const raw = model.execute({ [tfidfGraphNames.features]: x }, [tfidfGraphNames.probabilities, tfidfGraphNames.probabilities])
        const outs = Array.isArray(raw) ? raw : [raw]
        try {
          const probs = await outs[0].data() // [B, C]
          batch.forEach((_, b) => out.push(toPrediction(files.labels, Array.from({ length: C }, (_, c) => probs[b * C + c]))))
        } finally {
          x.dispose()
          for (const t of new Set(outs)) t.dispose()
        }
      }
      return out
    },
    dispose: () => model.dispose(),
  }
}

function toPrediction(labels: string[], probs: number[]): BundlePrediction {
  let best = 0
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i
  const probabilities: Record<string, number> = {}
  labels.forEach((l, i) => (probabilities[l] = probs[i]))
  return { label: labels[best], probabilities, probs }
}
