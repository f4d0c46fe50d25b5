// Character-level tokenizer.
// Choices: a "character" is a grapheme cluster (what a reader sees as one character), so emoji ZWJ
// sequences, flags, skin tones and letters with combining marks are single tokens. Whitespace and
// punctuation are tokens too, which makes the tokenizer lossless: decode(encode(x)) returns the
// normalised text whenever every character was seen in training. The vocabulary keeps the most
// frequent characters (ties by code units); rarer ones become [UNK].
import { NUM_SPECIAL, UNK_ID } from './special-tokens'
import { normalizeText } from './normalize'
import { splitGraphemes } from './segment'
import type { CharTokenizerJSON, Encoding, TextOptions, Tokenizer } from './types'
import { checkVocab, learnedIds, specialText, topByCount, withSpecials } from './vocab-utils'

/** A grapheme-level tokenizer with a fixed vocabulary. */
export class CharTokenizer implements Tokenizer {
  readonly kind = 'char' as const
  readonly vocab: string[]
  readonly options: TextOptions
  private readonly ids: Map<string, number>

  constructor(vocab: string[], options: TextOptions) {
    this.vocab = vocab
    this.options = { lowercase: options.lowercase, normalize: options.normalize }
    this.ids = learnedIds(vocab)
  }

  get vocabSize(): number {
    return this.vocab.length
  }

  encode(text: string): Encoding {
    const chars = splitGraphemes(normalizeText(text, this.options))
    const ids = new Array<number>(chars.length)
    const tokens = new Array<string>(chars.length)
    for (let i = 0; i < chars.length; i++) {
      const id = this.ids.get(chars[i]) ?? UNK_ID
      ids[i] = id
      tokens[i] = this.vocab[id]
    }
    return { ids, tokens }
  }

  decode(ids: number[]): string {
    let out = ''
    for (const id of ids) out += id >= NUM_SPECIAL && id < this.vocab.length ? this.vocab[id] : specialText(id)
    return out
  }

  toJSON(): CharTokenizerJSON {
    return { format: 'attention-workbench-tokenizer', version: 1, kind: 'char', ...this.options, vocab: [...this.vocab] }
  }

  /** Learn the most frequent characters of `texts`, up to `vocabSize` ids in total. */
  static train(texts: Iterable<string>, vocabSize: number, options: TextOptions): CharTokenizer {
    const counts = new Map<string, number>()
    for (const text of texts) {
      for (const ch of splitGraphemes(normalizeText(text, options))) counts.set(ch, (counts.get(ch) ?? 0) + 1)
    }
    return new CharTokenizer(withSpecials(topByCount(counts, vocabSize - NUM_SPECIAL)), options)
  }

  /** Rebuild from JSON written by toJSON. */
  static fromJSON(json: CharTokenizerJSON): CharTokenizer {
    return new CharTokenizer(checkVocab(json.vocab), { lowercase: json.lowercase, normalize: json.normalize })
  }
}
