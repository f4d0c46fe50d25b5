// Whether a run's largest arrays fit a WebGPU adapter's buffer limit, and if not, what to lower.
// WebGPU keeps every tensor in one GPU buffer, and one buffer may not exceed the adapter's
// maxBufferSize nor, bound for a kernel, its maxStorageBufferBindingSize (128 MiB on many adapters by
// default). The sizes come from the model's spec (what the cost model and the engine build) and the batch.
import { modelInfo, type ModelSpec } from './models'

/** One array a training step allocates: what it is, its size in bytes, and which setting shrinks it. */
export interface BigArray {
  what: string
  bytes: number
  /** The setting that shrinks it and the largest value of it that fits, given the limit. */
  lower: (limitBytes: number) => string
}

const MiB = 2 ** 20
const mib = (bytes: number) => `${Math.ceil(bytes / MiB)} MiB`

/** The largest arrays one training step of a model allocates for a batch of B sequences (float32), biggest first. */
export function largestArrays(spec: ModelSpec, B: number): BigArray[] {
  const info = modelInfo(spec.dims.arch)
  const { dModel: D, nHeads: H, ffnDim: F, maxLen: T, vocabSize: V } = spec.dims
  const batchThatFits = (bytesPerRow: number) => (limit: number) => {
    const b = Math.floor(limit / bytesPerRow)
    return b >= 1 ? `the batch size to ${b} or less` : 'the sequence length'
  }
  const out: BigArray[] = []
  if (info.reads === 'text' && V > 0) {
    out.push({ what: `the word-embedding table (${V} words x ${D})`, bytes: 4 * V * D, lower: (l) => `the vocabulary size to ${Math.max(1, Math.floor(l / (4 * D)))} or less, or the model width` })
  }
  if (info.blocks) {
    // Full attention keeps a [B, H, T, T] score matrix per block (sliding windows mask it; only
    // bidirectional linear attention avoids it).
    if (!(spec.dims.attention === 'linear' && !info.causal)) {
      out.push({ what: `the attention scores (batch ${B} x ${H} heads x ${T} x ${T} positions)`, bytes: 4 * B * H * T * T, lower: batchThatFits(4 * H * T * T) })
    }
    out.push({ what: `the feed-forward activations (batch ${B} x ${T} positions x ${F})`, bytes: 4 * B * T * F, lower: batchThatFits(4 * T * F) })
  }
  if (spec.head === 'lm' || spec.head === 'mlm') {
    const rows = spec.head === 'lm' ? T : Math.ceil(0.15 * T)
    out.push({ what: `the predicted-word scores (batch ${B} x ${rows} positions x ${V} words)`, bytes: 4 * B * rows * V, lower: batchThatFits(4 * rows * V) })
  }
  return out.sort((a, b) => b.bytes - a.bytes)
}

/**
 * Null when every array of a training step fits one buffer of the adapter; otherwise one sentence that
 * names the array, its size, the limit and what to lower.
 */
export function adapterFitProblem(spec: ModelSpec, batchSize: number, maxBufferBytes: number): string | null {
  const big = largestArrays(spec, batchSize).find((a) => a.bytes > maxBufferBytes)
  if (!big) return null
  return `This run needs ${big.what} in one array of ${mib(big.bytes)}, more than the ${mib(maxBufferBytes)} this graphics card's WebGPU allows for one buffer. ` +
    `Lower ${big.lower(maxBufferBytes)}, or choose another backend.`
}
