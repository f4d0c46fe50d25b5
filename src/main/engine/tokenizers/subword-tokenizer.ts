// Subword tokenizer: byte-pair encoding (BPE) with byte fallback, trained on the dataset's own text.
// Choices: BPE over grapheme clusters (not bytes), so tokens shown beside attention weights are
// readable and an emoji or accented letter is never cut in half; merges stay inside pre-tokenizer
// pieces (words with their leading space, digit runs, symbol runs, single CJK characters, whitespace
// runs). A character outside the learned alphabet is spelled as its UTF-8 bytes with 256 reserved
// byte tokens (when the vocabulary has room, >= 512), so nothing becomes [UNK] and decode(encode(x))
// returns the normalised text exactly. Spaces appear as U+2581 in token strings; a literal U+2581
// in the text is kept out of the alphabet and travels as bytes, so decoding stays unambiguous.
// Training breaks count ties by the lower pair of ids, which are themselves assigned in a fixed
// order, so the same texts and settings always give the same merges.
import { NUM_SPECIAL, SPECIAL_TOKENS, UNK_ID } from './special-tokens'
import { normalizeText } from './normalize'
import { pretokenize } from './pretokenize'
import { splitGraphemes } from './segment'
import { SPACE_MARK, byteToken, pairKey, trainBpe, type BpeModel } from './bpe-trainer'
import { TokenizerError } from './tokenizer-error'
import type { Encoding, SubwordTokenizerJSON, TextOptions, Tokenizer } from './types'
import { checkVocab, specialText } from './vocab-utils'

const CACHE_LIMIT = 100_000

const utf8 = new TextEncoder()
// ignoreBOM: a U+FEFF spelled in bytes is text, not a byte-order mark to strip.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** A trained byte-fallback BPE tokenizer. */
export class SubwordTokenizer implements Tokenizer {
  readonly kind = 'subword' as const
  readonly vocab: string[]
  readonly options: TextOptions
  readonly byteFallback: boolean
  private readonly firstAlphabet: number
  private readonly alphabetSize: number
  private readonly merges: [number, number, number][]
  private readonly alphabet = new Map<string, number>()
  /** pair key -> merge rank (lower merges first) */
  private readonly ranks = new Map<number, number>()
  private readonly cache = new Map<string, number[]>()

  constructor(model: BpeModel, options: TextOptions) {
    this.vocab = model.vocab
    this.options = { lowercase: options.lowercase, normalize: options.normalize }
    this.byteFallback = model.byteFallback
    this.firstAlphabet = NUM_SPECIAL + (model.byteFallback ? 256 : 0)
    this.alphabetSize = model.alphabetSize
    this.merges = model.merges
    for (let id = this.firstAlphabet; id < this.firstAlphabet + this.alphabetSize; id++) {
      this.alphabet.set(this.vocab[id].replaceAll(SPACE_MARK, ' '), id)
    }
    model.merges.forEach(([a, b], rank) => {
      const k = pairKey(a, b)
      if (!this.ranks.has(k)) this.ranks.set(k, rank)
    })
  }

  get vocabSize(): number {
    return this.vocab.length
  }

  encode(text: string): Encoding {
    const ids: number[] = []
    for (const piece of pretokenize(normalizeText(text, this.options))) {
      let pieceIds = this.cache.get(piece)
      if (!pieceIds) {
        pieceIds = this.encodePiece(splitGraphemes(piece))
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
        this.cache.set(piece, pieceIds)
      }
      for (const id of pieceIds) ids.push(id)
    }
    return { ids, tokens: ids.map((id) => this.vocab[id]) }
  }

  private encodePiece(graphemes: string[]): number[] {
    let sym: number[] = []
    for (const g of graphemes) {
      const id = this.alphabet.get(g)
      if (id !== undefined) sym.push(id)
      else if (this.byteFallback) for (const b of utf8.encode(g)) sym.push(NUM_SPECIAL + b)
      else sym.push(UNK_ID)
    }
    // Apply the lowest-ranked merge present, everywhere in the piece, until none applies.
    while (sym.length > 1) {
      let best = Infinity
      for (let i = 0; i + 1 < sym.length; i++) {
        const r = this.ranks.get(pairKey(sym[i], sym[i + 1]))
        if (r !== undefined && r < best) best = r
      }
      if (best === Infinity) break
      const [a, b, c] = this.merges[best]
      const next: number[] = []
      for (let i = 0; i < sym.length; i++) {
        if (i + 1 < sym.length && sym[i] === a && sym[i + 1] === b) {
          next.push(c)
          i++
        } else next.push(sym[i])
      }
      sym = next
    }
    return sym
  }

  decode(ids: number[]): string {
    let out = ''
    let bytes: number[] = []
    const flush = (): void => {
      if (bytes.length) out += utf8Decoder.decode(new Uint8Array(bytes))
      bytes = []
    }
    for (const id of ids) {
      if (this.byteFallback && id >= NUM_SPECIAL && id < this.firstAlphabet) {
        bytes.push(id - NUM_SPECIAL)
        continue
      }
      flush()
      out += id >= this.firstAlphabet && id < this.vocab.length ? this.vocab[id].replaceAll(SPACE_MARK, ' ') : specialText(id)
    }
    flush()
    return out
  }

  toJSON(): SubwordTokenizerJSON {
    return {
      format: 'attention-workbench-tokenizer',
      version: 1,
      kind: 'subword',
      ...this.options,
      vocab: [...this.vocab],
      byteFallback: this.byteFallback,
      alphabetSize: this.alphabetSize,
      merges: this.merges.map((m) => [m[0], m[1], m[2]]),
    }
  }

  /** Learn BPE merges on `texts` up to `vocabSize` ids in total. */
  static train(texts: Iterable<string>, vocabSize: number, options: TextOptions): SubwordTokenizer {
    const model = trainBpe(texts, vocabSize, options)
    SPECIAL_TOKENS.forEach((t, i) => (model.vocab[i] = t))
    return new SubwordTokenizer(model, options)
  }

  /** Rebuild from JSON written by toJSON, checking that ids are consistent. */
  static fromJSON(json: SubwordTokenizerJSON): SubwordTokenizer {
    const vocab = checkVocab(json.vocab)
    const byteFallback = json.byteFallback === true
    const firstAlphabet = NUM_SPECIAL + (byteFallback ? 256 : 0)
    const alphabetSize = json.alphabetSize
    if (!Number.isInteger(alphabetSize) || alphabetSize < 0 || firstAlphabet + alphabetSize > vocab.length) {
      throw new TokenizerError('The tokenizer file is damaged: its alphabet size does not fit its vocabulary.')
    }
    if (byteFallback && vocab[NUM_SPECIAL] !== byteToken(0)) {
      throw new TokenizerError('The tokenizer file is damaged: the byte tokens are missing.')
    }
    if (!Array.isArray(json.merges)) throw new TokenizerError('The tokenizer file is damaged: merges must be a list.')
    const ok = (id: unknown): boolean => Number.isInteger(id) && (id as number) >= firstAlphabet && (id as number) < vocab.length
    json.merges.forEach((m, i) => {
      if (!Array.isArray(m) || m.length !== 3 || !m.every(ok)) {
        throw new TokenizerError(`The tokenizer file is damaged: merge ${i + 1} does not refer to learned tokens.`)
      }
    })
    return new SubwordTokenizer(
      { vocab, byteFallback, alphabetSize, merges: json.merges.map((m) => [m[0], m[1], m[2]]) },
      { lowercase: json.lowercase, normalize: json.normalize },
    )
  }
}
