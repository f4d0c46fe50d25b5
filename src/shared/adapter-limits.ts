// Whether a run's largest arrays fit a WebGPU adapter's buffer limit, and if not, what to lower.
// WebGPU keeps every tensor in one GPU buffer, and one buffer may not exceed the adapter's
// maxBufferSize nor, bound for a kernel, its maxStorageBufferBindingSize (128 MiB on many adapters by
// default). The sizes come from the model's spec (what the cost model and the engine build) and the batch.
import { modelInfo, type ModelSpec } from './models'

/** The arrays that can outgrow one buffer. */
export type BigArrayKind = 'embedding' | 'scores' | 'ffn' | 'wordScores'

/** One array a training step allocates: what it is (in words), its size in bytes, and bytes per batch row (0: not batched). */
export interface BigArray {
  kind: BigArrayKind
  what: string
  bytes: number
  bytesPerRow: number
  /** Embedding tables: bytes per vocabulary entry. */
  bytesPerWord?: number
}

/** A run past the adapter's buffer limit: the array, the limit, and the setting to lower with a value that fits (null: none does). */
export interface FitProblem {
  array: BigArray
  limitBytes: number
  setting: 'batchSize' | 'vocabSize' | 'seqLen'
  value: number | null
  text: string
}

const MiB = 2 ** 20
/** Bytes in whole MiB, rounded up (what the sentences print). */
export const mib = (bytes: number) => Math.ceil(bytes / MiB)

/** The largest arrays one training step of a model allocates for a batch of B sequences (float32), biggest first. */
export function largestArrays(spec: ModelSpec, B: number): BigArray[] {
  const info = modelInfo(spec.dims.arch)
  const { dModel: D, nHeads: H, ffnDim: F, maxLen: T, vocabSize: V } = spec.dims
  const out: BigArray[] = []
  if (info.reads === 'text' && V > 0) {
    out.push({ kind: 'embedding', what: `the word-embedding table (${V} words x ${D})`, bytes: 4 * V * D, bytesPerRow: 0, bytesPerWord: 4 * D })
  }
  if (info.blocks) {
    // Full attention keeps a [B, H, T, T] score matrix per block (sliding windows mask it; only
    // bidirectional linear attention avoids it).
    if (!(spec.dims.attention === 'linear' && !info.causal)) {
      out.push({ kind: 'scores', what: `the attention scores (batch ${B} x ${H} heads x ${T} x ${T} positions)`, bytes: 4 * B * H * T * T, bytesPerRow: 4 * H * T * T })
    }
    out.push({ kind: 'ffn', what: `the feed-forward activations (batch ${B} x ${T} positions x ${F})`, bytes: 4 * B * T * F, bytesPerRow: 4 * T * F })
  }
  if (spec.head === 'lm' || spec.head === 'mlm') {
    const rows = spec.head === 'lm' ? T : Math.ceil(0.15 * T)
    out.push({ kind: 'wordScores', what: `the predicted-word scores (batch ${B} x ${rows} positions x ${V} words)`, bytes: 4 * B * rows * V, bytesPerRow: 4 * rows * V })
  }
  return out.sort((a, b) => b.bytes - a.bytes)
}

/** The first array past the limit, what to lower and to what; null when every array fits one buffer. */
export function adapterFit(spec: ModelSpec, batchSize: number, maxBufferBytes: number): FitProblem | null {
  const array = largestArrays(spec, batchSize).find((a) => a.bytes > maxBufferBytes)
  if (!array) return null
  let setting: FitProblem['setting']
  let value: number | null
  let lower: string
  if (array.bytesPerWord) {
    setting = 'vocabSize'
    value = Math.max(1, Math.floor(maxBufferBytes / array.bytesPerWord))
    lower = `the vocabulary size to ${value} or less, or the model width`
  } else {
    const b = Math.floor(maxBufferBytes / array.bytesPerRow)
    ;[setting, value] = b >= 1 ? ['batchSize', b] : ['seqLen', null]
    lower = b >= 1 ? `the batch size to ${b} or less` : 'the sequence length'
  }
  const text = `This run needs ${array.what} in one array of ${mib(array.bytes)} MiB, more than the ${mib(maxBufferBytes)} MiB this graphics card's WebGPU allows for one buffer. ` +
    `Lower ${lower}, or choose another backend.`
  return { array, limitBytes: maxBufferBytes, setting, value, text }
}

/**
 * Null when every array of a training step fits one buffer of the adapter; otherwise one sentence that
 * names the array, its size, the limit and what to lower.
 */
export function adapterFitProblem(spec: ModelSpec, batchSize: number, maxBufferBytes: number): string | null {
  return adapterFit(spec, batchSize, maxBufferBytes)?.text ?? null
}
