// Predicting table rows with a trained table encoder, and which columns each decision looked at (the
// attention explorer's view of a table: [CLS]'s last-layer attention per row, and its mean over the rows).
import * as tf from '@tensorflow/tfjs-core'
import { encodeTableRows, type TablePrep } from '../../shared/table-prep'
import { columnAttention } from './models/table'
import type { TextModel } from './models/types'

/** Class probabilities per row and, when asked, attention per column (token order of the model). */
export interface TablePredictions {
  labels: string[]
  probs: number[][]
  /** Feature columns in token order (numeric, then categorical). */
  columns: string[]
  /** Per row, [CLS]'s attention on each column (heads averaged; with [CLS]'s own weight the row sums to 1). */
  attention?: number[][]
  /** The same averaged over the rows: which columns decisions look at on the whole. */
  meanAttention?: number[]
}

/** Encodes rows with the model's prep and runs them through the model in batches. */
export function predictTableRows(model: TextModel, prep: TablePrep, rows: Record<string, string>[], opts: { attention?: boolean; batchSize?: number } = {}): TablePredictions {
  const enc = encodeTableRows(prep, rows)
  const F = enc.width
  const bs = opts.batchSize ?? 128
  const probs: number[][] = []
  const attention: number[][] = []
  for (let s = 0; s < rows.length; s += bs) {
    const B = Math.min(bs, rows.length - s)
    const { p, a } = tf.tidy(() => {
      const ids = tf.tensor2d(enc.ids.subarray(s * F, (s + B) * F), [B, F], 'int32')
      const values = tf.tensor2d(enc.values.subarray(s * F, (s + B) * F), [B, F])
      const out = model.forward(ids, values, { training: false, returnAttention: opts.attention === true })
      const p = tf.softmax(out.logits) // [B, C]
      return opts.attention ? { p, a: columnAttention(out.attention) } : { p } // attention [B, F]
    }) as { p: tf.Tensor; a?: tf.Tensor }
    probs.push(...(p.arraySync() as number[][]))
    if (a) attention.push(...(a.arraySync() as number[][]))
    p.dispose()
    a?.dispose()
  }
  const columns = [...prep.numeric.map((c) => c.name), ...prep.categorical.map((c) => c.name)]
  if (!opts.attention) return { labels: prep.labels, probs, columns }
  const meanAttention = columns.map((_, j) => attention.reduce((n, row) => n + row[j]!, 0) / Math.max(1, attention.length))
  return { labels: prep.labels, probs, columns, attention, meanAttention }
}
