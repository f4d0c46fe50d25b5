// The tokenizer of a pretrained base: added tokens matched in the raw text, then normaliser ->
// pre-tokeniser -> subword model (WordPiece, byte-level BPE or Unigram) -> the base's special-token
// template. Plain TypeScript with no dependencies: it runs in the trainer, the terminal and inside
// exported bundles, and must give the same ids as the library the checkpoint was made with.
import { TokenizerError } from '../tokenizer-error'
import type { Encoding, Tokenizer } from '../types'
import { unicodeToText } from './byte-level'
import { BpeModel } from './bpe'
import { applyNormalizer } from './normalizers'
import { preTokenize } from './pre-tokenizers'
import type { AddedToken, PretrainedTokenizerJSON, SpecialIds } from './types'
import { UnigramModel } from './unigram'
import { wordPiece } from './wordpiece'

/** Splits text on the added tokens' contents, longest match first, honouring lstrip/rstrip. */
function splitAdded(text: string, tokens: AddedToken[]): (string | AddedToken)[] {
  if (tokens.length === 0 || text === '') return text === '' ? [] : [text]
  const sorted = [...tokens].sort((a, b) => b.content.length - a.content.length)
  const out: (string | AddedToken)[] = []
  let start = 0
  let i = 0
  while (i < text.length) {
    const hit = sorted.find((t) => t.content !== '' && text.startsWith(t.content, i))
    if (!hit) {
      i++
      continue
    }
    if (i > start) out.push(text.slice(start, i))
    out.push(hit)
    i += hit.content.length
    start = i
  }
  if (start < text.length) out.push(text.slice(start))
  for (let k = 0; k < out.length; k++) {
    const t = out[k]
    if (typeof t === 'string') continue
    const prev = out[k - 1]
    const next = out[k + 1]
    if (t.lstrip && typeof prev === 'string') out[k - 1] = prev.trimEnd()
    if (t.rstrip && typeof next === 'string') out[k + 1] = next.trimStart()
  }
  return out.filter((t) => typeof t !== 'string' || t !== '')
}

/** A tokenizer read from a pretrained base (see PretrainedTokenizerJSON). */
export class PretrainedTokenizer implements Tokenizer {
  readonly kind: PretrainedTokenizerJSON['kind']
  readonly vocab: string[]
  readonly vocabSize: number
  readonly options = { lowercase: false, normalize: 'none' as const }
  readonly special: SpecialIds
  private readonly ids = new Map<string, number>()
  private readonly raw: AddedToken[]
  private readonly normalizedAdded: AddedToken[]
  private readonly bpe: BpeModel | null = null
  private readonly unigram: UnigramModel | null = null
  private readonly specialIds: Set<number>

  constructor(private readonly json: PretrainedTokenizerJSON) {
    this.kind = json.kind
    this.vocab = json.vocab
    this.vocabSize = json.vocab.length
    this.special = json.special
    json.vocab.forEach((t, i) => {
      if (!this.ids.has(t)) this.ids.set(t, i)
    })
    for (const t of json.addedTokens) this.ids.set(t.content, t.id)
    this.raw = json.addedTokens.filter((t) => !t.normalized)
    this.normalizedAdded = json.addedTokens.filter((t) => t.normalized)
    this.specialIds = new Set(json.addedTokens.filter((t) => t.special).map((t) => t.id))
    const m = json.model
    if (m.type === 'BPE') this.bpe = new BpeModel(m.merges)
    if (m.type === 'Unigram') this.unigram = new UnigramModel(json.vocab, m.scores, m.unkId, new Set(json.addedTokens.map((t) => t.id)))
  }

  /** The id of a token string, if the vocabulary has it. */
  tokenToId(token: string): number | undefined {
    return this.ids.get(token)
  }

  private unkId(): number {
    const m = this.json.model
    const id = m.type === 'Unigram' ? m.unkId : m.type === 'WordPiece' ? this.ids.get(m.unk) : m.unk === null ? undefined : this.ids.get(m.unk)
    if (id === undefined || id === null) throw new TokenizerError('The text has a character this tokenizer cannot represent, and it has no unknown token.')
    return id
  }

  private byteTokens(piece: string): number[] | null {
    const out: number[] = []
    for (const b of new TextEncoder().encode(piece)) {
      const id = this.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)
      if (id === undefined) return null
      out.push(id)
    }
    return out
  }

  /** One pre-tokenised word -> ids. */
  private encodeWord(word: string, ids: number[]): void {
    const m = this.json.model
    if (m.type === 'WordPiece') {
      for (const p of wordPiece(word, (s) => this.ids.has(s), m.unk, m.prefix, m.maxInputChars)) ids.push(this.ids.get(p) ?? this.unkId())
      return
    }
    if (m.type === 'BPE') {
      if (m.ignoreMerges && this.ids.has(word)) {
        ids.push(this.ids.get(word)!)
        return
      }
      let lastUnk = false
      for (const sym of this.bpe!.merge(word)) {
        const id = this.ids.get(sym)
        if (id !== undefined) {
          ids.push(id)
          lastUnk = false
          continue
        }
        const bytes = m.byteFallback ? this.byteTokens(sym) : null
        if (bytes) ids.push(...bytes)
        else if (!(m.fuseUnk && lastUnk)) ids.push(this.unkId())
        lastUnk = !bytes
      }
      return
    }
    for (const p of this.unigram!.encode(word)) {
      if (p.id !== null && !(p.id === m.unkId && m.byteFallback)) {
        ids.push(p.id)
        continue
      }
      const bytes = m.byteFallback ? this.byteTokens(p.piece) : null
      ids.push(...(bytes ?? [this.unkId()]))
    }
  }

  /** The text's ids without the special-token template. */
  encodeIds(text: string): number[] {
    const ids: number[] = []
    const sections = splitAdded(String(text ?? ''), this.raw)
    sections.forEach((section, sectionIndex) => {
      if (typeof section !== 'string') {
        ids.push(section.id)
        return
      }
      let norm = section
      for (const step of this.json.normalizer) norm = applyNormalizer(step, norm)
      for (const part of splitAdded(norm, this.normalizedAdded)) {
        if (typeof part !== 'string') ids.push(part.id)
        else for (const word of preTokenize(this.json.preTokenizer, part, { sectionIndex })) if (word !== '') this.encodeWord(word, ids)
      }
    })
    return ids
  }

  /** Ids and token strings of a text, without special tokens (the Tokenizer contract). */
  encode(text: string): Encoding {
    const ids = this.encodeIds(text)
    return { ids, tokens: ids.map((i) => this.vocab[i] ?? '') }
  }

  /**
   * The text as the base's model takes it: the template's special tokens around the text's ids,
   * the text cut so that the whole fits in maxTokens (when given).
   */
  encodeFramed(text: string, maxTokens?: number): Encoding {
    const { before, after } = this.json.template
    let body = this.encodeIds(text)
    if (maxTokens !== undefined) body = body.slice(0, Math.max(0, maxTokens - before.length - after.length))
    const ids = [...before, ...body, ...after]
    return { ids, tokens: ids.map((i) => this.vocab[i] ?? '') }
  }

  /** Text for ids; special tokens are dropped. */
  decode(ids: number[]): string {
    const toks = ids.filter((i) => !this.specialIds.has(i)).map((i) => this.vocab[i] ?? '')
    switch (this.json.decoder) {
      case 'WordPiece':
        return toks.join(' ').replace(/ ##/g, '').replace(/^##/, '')
      case 'ByteLevel':
        return unicodeToText(toks.join(''))
      case 'Metaspace':
        return toks.join('').replaceAll('\u2581', ' ').replace(/^ /, '')
      default:
        return toks.join(' ')
    }
  }

  toJSON(): PretrainedTokenizerJSON {
    return this.json
  }
}
