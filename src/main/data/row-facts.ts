// Per-row facts the doctor and the fixes work from: keys instead of texts, so a million rows fit.
import { countTokens } from './tokens'
import { exactKey, nearKey } from './text-keys'
import { splitCodes, type StoredRow } from './types'

/** Column-wise facts about a version's rows, in idx order; "position" indexes these arrays. */
export interface RowFacts {
  n: number
  idx: number[]
  labels: (string | null)[]
  split: Uint8Array
  /** Hash of the trimmed text (see text-keys.ts); 0 for empty texts. */
  exact: Float64Array
  /** Hash of the near form; -1 when empty. */
  near: Float64Array
  empty: Uint8Array
  tokens: Int32Array
}

/** Accumulates facts row by row (rows may arrive in pages), then hands them over. */
export class FactsBuilder {
  private idx: number[] = []
  private labels: (string | null)[] = []
  private split: number[] = []
  private exact: number[] = []
  private near: number[] = []
  private empty: number[] = []
  private tokens: number[] = []
  // One string per distinct label: rows from the database each bring their own copy.
  private labelPool = new Map<string, string>()

  /** Add the next row (rows must come in idx order). */
  add(r: StoredRow): void {
    this.idx.push(r.idx)
    let label = r.label
    if (label !== null) {
      const pooled = this.labelPool.get(label)
      if (pooled === undefined) this.labelPool.set(label, label)
      else label = pooled
    }
    this.labels.push(label)
    this.split.push(r.split ? splitCodes[r.split] : 0)
    const blank = r.text.trim() === ''
    this.empty.push(blank ? 1 : 0)
    this.exact.push(blank ? 0 : exactKey(r.text))
    this.near.push(blank ? -1 : nearKey(r.text))
    this.tokens.push(blank ? 0 : countTokens(r.text))
  }

  /** The collected facts. */
  finish(): RowFacts {
    return {
      n: this.idx.length,
      idx: this.idx,
      labels: this.labels,
      split: Uint8Array.from(this.split),
      exact: Float64Array.from(this.exact),
      near: Float64Array.from(this.near),
      empty: Uint8Array.from(this.empty),
      tokens: Int32Array.from(this.tokens),
    }
  }
}

/** Gather facts from rows held in memory (tests, small sets). */
export function collectFacts(rows: Iterable<StoredRow>): RowFacts {
  const b = new FactsBuilder()
  for (const r of rows) b.add(r)
  return b.finish()
}
