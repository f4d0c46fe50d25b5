// Turns a list of texts into the padded id matrix and attention mask a model consumes.
import { CLS_ID, PAD_ID, SPECIAL_TOKENS } from './special-tokens'
import { TokenizerError } from './tokenizer-error'
import { isFramed, type Tokenizer } from './types'

/** How to shape a batch. */
export interface EncodeBatchOptions {
  /** Longest row, counting [CLS] when addCls; longer texts are cut at the end. */
  seqLen: number
  /** Prepend [CLS] (for models that pool on the first token). */
  addCls: boolean
  /** Pad to the batch's longest row (faster) or always to seqLen (fixed shapes). */
  padTo: 'longest' | 'max'
}

/** A batch: ids and mask are row-major [B, T]; tokens are the unpadded token strings per row. */
export interface EncodedBatch {
  ids: Int32Array
  mask: Float32Array
  B: number
  T: number
  tokens: string[][]
}

/** Encode, truncate, prepend [CLS] and pad a batch of texts; mask is 1 on real tokens, 0 on padding. */
export function encodeBatch(tok: Tokenizer, texts: string[], opts: EncodeBatchOptions): EncodedBatch {
  const { seqLen, addCls, padTo } = opts
  if (!Number.isInteger(seqLen) || seqLen < (addCls ? 2 : 1)) {
    throw new TokenizerError(`The sequence length must be a whole number of at least ${addCls ? 2 : 1}; got ${seqLen}.`)
  }
  const room = addCls ? seqLen - 1 : seqLen
  const rows: number[][] = []
  const tokens: string[][] = []
  // A pretrained base's tokenizer frames each text with its own special tokens (addCls does not apply).
  const framed = isFramed(tok) ? tok : null
  const padId = framed ? (framed.special.pad ?? framed.special.eos ?? PAD_ID) : PAD_ID
  for (const text of texts) {
    if (framed) {
      const enc = framed.encodeFramed(text, seqLen)
      rows.push(enc.ids)
      tokens.push(enc.tokens)
      continue
    }
    const enc = tok.encode(text)
    const ids = enc.ids.slice(0, room)
    const toks = enc.tokens.slice(0, room)
    if (addCls) {
      ids.unshift(CLS_ID)
      toks.unshift(SPECIAL_TOKENS[CLS_ID])
    }
    rows.push(ids)
    tokens.push(toks)
  }
  const B = texts.length
  // At least one column so a batch of empty texts still has a valid [B, T] shape.
  let longest = 1
  for (const r of rows) if (r.length > longest) longest = r.length
  const T = padTo === 'max' ? seqLen : longest
  const ids = new Int32Array(B * T).fill(padId)
  const mask = new Float32Array(B * T)
  for (let b = 0; b < B; b++) {
    const row = rows[b]
    for (let t = 0; t < row.length; t++) {
      ids[b * T + t] = row[t]
      mask[b * T + t] = 1
    }
  }
  return { ids, mask, B, T, tokens }
}
