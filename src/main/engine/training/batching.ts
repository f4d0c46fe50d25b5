// Turning encoded rows into batches: rows of similar length share a batch (length bucketing) so
// padding to the batch's longest row wastes little work, and the order is a pure function of
// (seed, epoch) so a resumed run sees the same batches.
import { encodeBatch, isFramed, type Tokenizer } from '../tokenizers'
import { mixSeed, Rng } from '../rng'

/** Token ids of one text (with [CLS] first), unpadded. */
export type Row = Int32Array

/** Encodes texts once, up to seqLen tokens each (counting [CLS]); `stats.truncated` counts the rows that were cut. */
export function encodeRows(tok: Tokenizer, texts: string[], seqLen: number, stats?: { truncated: number }): Row[] {
  const rows: Row[] = []
  const chunk = 512
  for (let s = 0; s < texts.length; s += chunk) {
    const part = texts.slice(s, s + chunk)
    const enc = encodeBatch(tok, part, { seqLen, addCls: true, padTo: 'longest' })
    for (let b = 0; b < enc.B; b++) {
      let n = 0
      while (n < enc.T && enc.mask[b * enc.T + n] === 1) n++
      rows.push(enc.ids.slice(b * enc.T, b * enc.T + n))
      if (stats && n >= seqLen && fullLength(tok, part[b]) > seqLen) stats.truncated++
    }
  }
  return rows
}

// Tokens a text takes uncut: its own special-token frame for a base's tokenizer, else [CLS] plus the text.
function fullLength(tok: Tokenizer, text: string): number {
  return isFramed(tok) ? tok.encodeFramed(text).ids.length : tok.encode(text).ids.length + 1
}

/** One epoch's batches (lists of row indices): shuffled, bucketed by length in pools, batch order shuffled. */
export function epochBatches(lengths: number[], batchSize: number, seed: number, epoch: number): number[][] {
  const rng = new Rng(mixSeed(seed, epoch, 0xba7c4))
  const order = rng.shuffle(lengths.map((_, i) => i))
  const pool = batchSize * 32
  const batches: number[][] = []
  for (let s = 0; s < order.length; s += pool) {
    // A stable sort by length alone: rows of equal length keep their shuffled order. (Breaking ties by row
    // index undid the shuffle wherever lengths are equal: every image, every table row, so a file sorted by
    // label gave batches of one class each, and a ViT trained on them stayed at chance.)
    const part = order.slice(s, s + pool).sort((a, b) => lengths[a] - lengths[b])
    for (let i = 0; i < part.length; i += batchSize) batches.push(part.slice(i, i + batchSize))
  }
  return rng.shuffle(batches)
}

/** Batches in length order for evaluation (no shuffling; every row exactly once). */
export function evalBatches(lengths: number[], batchSize: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b)
  const batches: number[][] = []
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize))
  return batches
}

/** A padded batch: ids and mask row-major [B, T], T = the batch's longest row. */
export interface PaddedBatch {
  ids: Int32Array
  mask: Float32Array
  B: number
  T: number
  tokens: number
}

/**
 * Pads the chosen rows to their longest (padding id 0). With `values` (table rows: one value per column, all
 * rows one width) the mask slot carries each row's scaled values instead, as the table encoder reads it.
 */
export function padRows(rows: Row[], idx: number[], values?: Float32Array[]): PaddedBatch {
  const B = idx.length
  let T = 1
  for (const i of idx) T = Math.max(T, rows[i].length)
  const ids = new Int32Array(B * T)
  const mask = new Float32Array(B * T)
  let tokens = 0
  idx.forEach((i, b) => {
    const r = rows[i]
    ids.set(r, b * T)
    if (values) mask.set(values[i], b * T)
    else mask.fill(1, b * T, b * T + r.length)
    tokens += r.length
  })
  return { ids, mask, B, T, tokens }
}
