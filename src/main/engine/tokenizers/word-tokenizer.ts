// Word-level tokenizer.
// Choices: words are Unicode (UAX #29) word segments from Intl.Segmenter, so "don't", "3.14" and
// "foo_bar" stay whole, and Chinese/Japanese/Thai are split by the segmenter's dictionary ("我们",
// "喜欢"). Every punctuation mark, symbol or emoji is its own token (one grapheme each); whitespace
// is dropped. The vocabulary keeps the most frequent tokens (ties by code units). Words from
// scripts written without spaces also count their single characters, and an unknown such word is
// encoded character by character, so CJK text rarely falls to [UNK]. Decoding joins tokens with a
// space (none between CJK characters): this tokenizer is lossy on spacing by design.
import { NUM_SPECIAL, UNK_ID } from './special-tokens'
import { normalizeText } from './normalize'
import { endsWithNoSpaceScript, hasNoSpaceScript, splitGraphemes, splitWords, startsWithNoSpaceScript } from './segment'
import type { Encoding, TextOptions, Tokenizer, WordTokenizerJSON } from './types'
import { checkVocab, learnedIds, specialText, topByCount, withSpecials } from './vocab-utils'

/** Segmenting a whitespace-free chunk depends only on the chunk, so results are cached per chunk. */
const CACHE_LIMIT = 200_000

/** A word segment kept whole, or a non-word segment split into its graphemes. */
interface Piece {
  text: string
  /** A multi-character word in a script without spaces: may fall back to characters. */
  splittable: boolean
}

/** Split normalised text into word pieces (whitespace dropped). */
export class WordSplitter {
  private cache = new Map<string, Piece[]>()

  split(text: string): Piece[] {
    const out: Piece[] = []
    for (const chunk of text.split(/\s+/)) {
      if (!chunk) continue
      let pieces = this.cache.get(chunk)
      if (!pieces) {
        pieces = splitChunk(chunk)
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
        this.cache.set(chunk, pieces)
      }
      for (const p of pieces) out.push(p)
    }
    return out
  }
}

function splitChunk(chunk: string): Piece[] {
  const out: Piece[] = []
  for (const seg of splitWords(chunk)) {
    if (seg.isWord) {
      const multi = seg.segment.length > 1 && hasNoSpaceScript(seg.segment) && splitGraphemes(seg.segment).length > 1
      out.push({ text: seg.segment, splittable: multi })
    } else {
      for (const g of splitGraphemes(seg.segment)) out.push({ text: g, splittable: false })
    }
  }
  return out
}

/** A word-level tokenizer with a fixed vocabulary. */
export class WordTokenizer implements Tokenizer {
  readonly kind = 'word' as const
  readonly vocab: string[]
  readonly options: TextOptions
  private readonly ids: Map<string, number>
  private readonly splitter = new WordSplitter()

  constructor(vocab: string[], options: TextOptions) {
    this.vocab = vocab
    this.options = { lowercase: options.lowercase, normalize: options.normalize }
    this.ids = learnedIds(vocab)
  }

  get vocabSize(): number {
    return this.vocab.length
  }

  encode(text: string): Encoding {
    const ids: number[] = []
    for (const piece of this.splitter.split(normalizeText(text, this.options))) {
      const id = this.ids.get(piece.text)
      if (id !== undefined) ids.push(id)
      else if (piece.splittable) for (const g of splitGraphemes(piece.text)) ids.push(this.ids.get(g) ?? UNK_ID)
      else ids.push(UNK_ID)
    }
    return { ids, tokens: ids.map((id) => this.vocab[id]) }
  }

  decode(ids: number[]): string {
    let out = ''
    let prev = ''
    for (const id of ids) {
      const text = id >= NUM_SPECIAL && id < this.vocab.length ? this.vocab[id] : specialText(id)
      if (!text) continue
      const glue = prev !== '' && !(endsWithNoSpaceScript(prev) && startsWithNoSpaceScript(text))
      out += glue ? ' ' + text : text
      prev = text
    }
    return out
  }

  toJSON(): WordTokenizerJSON {
    return { format: 'attention-workbench-tokenizer', version: 1, kind: 'word', ...this.options, vocab: [...this.vocab] }
  }

  /** Learn the most frequent words of `texts`, up to `vocabSize` ids in total. */
  static train(texts: Iterable<string>, vocabSize: number, options: TextOptions): WordTokenizer {
    const counts = new Map<string, number>()
    const splitter = new WordSplitter()
    for (const text of texts) {
      for (const piece of splitter.split(normalizeText(text, options))) {
        counts.set(piece.text, (counts.get(piece.text) ?? 0) + 1)
        if (piece.splittable) for (const g of splitGraphemes(piece.text)) counts.set(g, (counts.get(g) ?? 0) + 1)
      }
    }
    return new WordTokenizer(withSpecials(topByCount(counts, vocabSize - NUM_SPECIAL)), options)
  }

  /** Rebuild from JSON written by toJSON. */
  static fromJSON(json: WordTokenizerJSON): WordTokenizer {
    return new WordTokenizer(checkVocab(json.vocab), { lowercase: json.lowercase, normalize: json.normalize })
  }
}
