// TF-IDF features over word and character n-grams, as sparse rows: the classic text
// representation the baseline classifier reads. Follows scikit-learn's TfidfVectorizer closely
// (token pattern, char_wb padding, smooth idf, sublinear tf, l2-normalised rows per block) so the
// benchmark can check the two against each other on the same split.

/** One sparse row: feature indices (ascending) and their values. */
export interface SparseRow {
  idx: Int32Array
  val: Float64Array
}

/** Settings of one n-gram block. */
export interface NgramBlock {
  analyzer: 'word' | 'char_wb'
  minN: number
  maxN: number
}

/** Vectorizer settings. */
export interface TfidfOptions {
  blocks: NgramBlock[]
  /** Keep features seen in at least this many training texts. */
  minDf: number
  /** Keep at most this many features per block (most frequent over the corpus). */
  maxFeatures: number
  /** Only the first this many characters of a text are read (long mails, pasted documents). */
  maxChars: number
}

/** The settings the baseline uses (and the benchmark mirrors in scikit-learn). */
export const defaultTfidfOptions: TfidfOptions = {
  blocks: [
    { analyzer: 'word', minN: 1, maxN: 2 },
    { analyzer: 'char_wb', minN: 2, maxN: 4 },
  ],
  minDf: 2,
  maxFeatures: 50_000,
  maxChars: 4000,
}

/** A fitted vectorizer: vocabulary and idf per block, as plain data (saved with the model). */
export interface TfidfJSON {
  options: TfidfOptions
  /** Per block: terms in feature order. */
  vocab: string[][]
  /** Per block: idf per feature. */
  idf: number[][]
}

// Python's `(?u)\b\w\w+\b`: maximal runs of two or more word characters.
const wordPattern = /[\p{L}\p{N}_]{2,}/gu
const spaces = /\s+/u

/** Word n-grams (joined by one space) of a lowercased text. */
function wordGrams(text: string, minN: number, maxN: number, out: string[]): void {
  const tokens = text.match(wordPattern) ?? []
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) out.push(n === 1 ? tokens[i] : tokens.slice(i, i + n).join(' '))
  }
}

/** Character n-grams inside word boundaries, each word padded with one space (scikit-learn's char_wb). */
function charWbGrams(text: string, minN: number, maxN: number, out: string[]): void {
  for (const word of text.split(spaces)) {
    if (!word) continue
    const padded = ` ${word} `
    // Code points, as Python counts them; plain string slices when there are no surrogate pairs.
    const w: string | string[] = /[\ud800-\udfff]/.test(padded) ? Array.from(padded) : padded
    const cut = typeof w === 'string' ? (a: number, b: number) => w.slice(a, b) : (a: number, b: number) => w.slice(a, b).join('')
    for (let n = minN; n <= maxN; n++) {
      let offset = 0
      out.push(cut(offset, offset + n))
      while (offset + n < w.length) {
        offset++
        out.push(cut(offset, offset + n))
      }
      if (offset === 0) break // a word shorter than n counts once
    }
  }
}

/** The n-grams of one text for one block. */
export function analyze(text: string, block: NgramBlock, maxChars: number): string[] {
  const t = (text.length <= maxChars ? text : Array.from(text).slice(0, maxChars).join('')).toLowerCase()
  const out: string[] = []
  if (block.analyzer === 'word') wordGrams(t, block.minN, block.maxN, out)
  else charWbGrams(t, block.minN, block.maxN, out)
  return out
}

function countTerms(grams: string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const g of grams) m.set(g, (m.get(g) ?? 0) + 1)
  return m
}

/** Learn vocabulary and idf from the training texts. */
export function fitTfidf(texts: string[], options: TfidfOptions = defaultTfidfOptions): TfidfJSON {
  return fitTransformTfidf(texts, options).fitted
}

/** Learn vocabulary and idf from the training texts and return their rows too (each text read once). */
export function fitTransformTfidf(texts: string[], options: TfidfOptions = defaultTfidfOptions): { fitted: TfidfJSON; rows: SparseRow[] } {
  const n = texts.length
  const vocab: string[][] = []
  const idf: number[][] = []
  const perBlock: Map<string, number>[][] = []
  for (const block of options.blocks) {
    const df = new Map<string, number>()
    const tf = new Map<string, number>()
    const docs = texts.map((text) => countTerms(analyze(text, block, options.maxChars)))
    for (const counts of docs) {
      for (const [term, c] of counts) {
        df.set(term, (df.get(term) ?? 0) + 1)
        tf.set(term, (tf.get(term) ?? 0) + c)
      }
    }
    let terms = [...df.keys()].filter((t) => df.get(t)! >= options.minDf)
    if (terms.length > options.maxFeatures) {
      terms.sort((a, b) => tf.get(b)! - tf.get(a)! || (a < b ? -1 : a > b ? 1 : 0))
      terms = terms.slice(0, options.maxFeatures)
    }
    terms.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    vocab.push(terms)
    // Smooth idf: as if one extra document held every term once.
    idf.push(terms.map((t) => Math.log((1 + n) / (1 + df.get(t)!)) + 1))
    perBlock.push(docs)
  }
  const fitted: TfidfJSON = { options, vocab, idf }
  const vec = new TfidfVectorizer(fitted)
  const rows = texts.map((_, i) => vec.fromCounts(perBlock.map((docs) => docs[i])))
  return { fitted, rows }
}

/** Turns texts into l2-normalised TF-IDF rows with a fitted vectorizer. */
export class TfidfVectorizer {
  readonly nFeatures: number
  private readonly index: Map<string, number>[]
  private readonly offsets: number[]

  constructor(readonly fitted: TfidfJSON) {
    this.index = fitted.vocab.map((terms) => new Map(terms.map((t, i) => [t, i])))
    this.offsets = []
    let total = 0
    for (const terms of fitted.vocab) {
      this.offsets.push(total)
      total += terms.length
    }
    this.nFeatures = total
  }

  /** One text's sparse row: each block's sublinear tf x idf, l2-normalised within the block. */
  transform(text: string): SparseRow {
    const { options } = this.fitted
    return this.fromCounts(options.blocks.map((block) => countTerms(analyze(text, block, options.maxChars))))
  }

  /** A row from each block's term counts. */
  fromCounts(counts: Map<string, number>[]): SparseRow {
    const idx: number[] = []
    const val: number[] = []
    const { idf } = this.fitted
    counts.forEach((blockCounts, b) => {
      const map = this.index[b]
      const entries: [number, number][] = []
      for (const [term, c] of blockCounts) {
        const j = map.get(term)
        if (j !== undefined) entries.push([j, (1 + Math.log(c)) * idf[b][j]])
      }
      entries.sort((x, y) => x[0] - y[0])
      let norm = 0
      for (const [, v] of entries) norm += v * v
      norm = Math.sqrt(norm) || 1
      for (const [j, v] of entries) {
        idx.push(this.offsets[b] + j)
        val.push(v / norm)
      }
    })
    return { idx: Int32Array.from(idx), val: Float64Array.from(val) }
  }

  transformAll(texts: string[]): SparseRow[] {
    return texts.map((t) => this.transform(t))
  }
}
