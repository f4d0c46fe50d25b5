import { describe, expect, it } from 'vitest'
import {
  CLS_ID,
  MASK_ID,
  PAD_ID,
  SEP_ID,
  SPECIAL_TOKENS,
  TokenizerError,
  UNK_ID,
  normalizeText,
  tokenizerFromJSON,
  trainTokenizer,
  type Tokenizer,
  type TokenizerJSON,
} from '../../../../src/main/engine/tokenizers'
import { tokenizerKinds } from '../../../../src/shared/config'
import { cfg, corpus, oddUnicode } from './fixtures'

const sizes = { char: 300, word: 120, subword: 700 } as const

function roundTrip(tok: Tokenizer): Tokenizer {
  return tokenizerFromJSON(JSON.parse(JSON.stringify(tok.toJSON())) as TokenizerJSON)
}

describe('special tokens', () => {
  it('have fixed ids', () => {
    expect(SPECIAL_TOKENS).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'])
    expect([PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID]).toEqual([0, 1, 2, 3, 4])
  })
})

describe.each(tokenizerKinds)('%s tokenizer', (kind) => {
  const tok = trainTokenizer(cfg(kind, sizes[kind]), corpus)

  it('puts the special tokens first and respects the vocabulary size', () => {
    expect(tok.kind).toBe(kind)
    expect(tok.vocab.slice(0, 5)).toEqual([...SPECIAL_TOKENS])
    expect(tok.vocabSize).toBe(tok.vocab.length)
    expect(tok.vocabSize).toBeLessThanOrEqual(sizes[kind])
    expect(tok.vocabSize).toBeGreaterThan(20)
    const small = trainTokenizer(cfg(kind, 40), corpus)
    expect(small.vocabSize).toBe(40)
  })

  it('never emits special ids for text, even literal "[CLS]"', () => {
    const { ids, tokens } = tok.encode('[CLS] [PAD] [MASK] hello')
    expect(ids.length).toBeGreaterThan(0)
    expect(ids.filter((id) => id !== UNK_ID && id < 5)).toEqual([])
    expect(tokens).toEqual(ids.map((id) => tok.vocab[id]))
  })

  it('survives odd Unicode: encodes, decodes and keeps ids in range', () => {
    for (const text of oddUnicode) {
      const { ids, tokens } = tok.encode(text)
      expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tok.vocabSize)).toBe(true)
      expect(tokens).toHaveLength(ids.length)
      expect(typeof tok.decode(ids)).toBe('string')
    }
  })

  it('is deterministic and does not depend on the order of the training texts', () => {
    const again = trainTokenizer(cfg(kind, sizes[kind]), corpus)
    expect(again.toJSON()).toEqual(tok.toJSON())
    const shuffled = [...corpus].reverse()
    expect(trainTokenizer(cfg(kind, sizes[kind]), shuffled).toJSON()).toEqual(tok.toJSON())
  })

  it('round-trips through JSON with identical encodings', () => {
    const back = roundTrip(tok)
    expect(back.kind).toBe(kind)
    expect(back.vocab).toEqual(tok.vocab)
    for (const text of [...corpus, 'unseen wörds ⚙️ 漢字 xyzzy']) {
      expect(back.encode(text)).toEqual(tok.encode(text))
    }
  })

  it('lower-cases and normalises when asked', () => {
    const lower = trainTokenizer(cfg(kind, sizes[kind], { lowercase: true, normalize: 'NFKC' }), corpus)
    expect(lower.encode('THE Quick ＦＯＸ').ids).toEqual(lower.encode('the quick fox').ids)
    expect(lower.options).toEqual({ lowercase: true, normalize: 'NFKC' })
    expect(roundTrip(lower).encode('THE ＦＯＸ').ids).toEqual(lower.encode('the fox').ids)
  })

  it('decodes only what it can represent: unknown ids become U+FFFD, specials vanish', () => {
    expect(tok.decode([PAD_ID, CLS_ID, SEP_ID, MASK_ID])).toBe('')
    expect(tok.decode([UNK_ID])).toBe('\ufffd')
  })
})

describe('lossless tokenizers', () => {
  it('char: decode(encode(x)) is the normalised text for text it has seen', () => {
    const opts = { lowercase: true, normalize: 'NFKC' } as const
    const tok = trainTokenizer({ kind: 'char', vocabSize: 2000, ...opts }, corpus)
    for (const text of corpus) expect(tok.decode(tok.encode(text).ids)).toBe(normalizeText(text, opts))
  })

  it('subword: decode(encode(x)) is the normalised text even for unseen characters', () => {
    const opts = { lowercase: false, normalize: 'none' } as const
    const tok = trainTokenizer({ kind: 'subword', vocabSize: 700, ...opts }, corpus)
    for (const text of [...corpus, 'never seen: ☃ ᚠ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🫠', '\ud800 alone']) {
      const { ids } = tok.encode(text)
      expect(ids).not.toContain(UNK_ID)
      expect(tok.decode(ids)).toBe(normalizeText(text, opts))
    }
  })
})

describe('bad input', () => {
  it('refuses to train on no text with a plain message', () => {
    expect(() => trainTokenizer(cfg('word', 100), ['', '   '])).toThrow(TokenizerError)
    expect(() => trainTokenizer(cfg('word', 100), [])).toThrow(/no text to learn a vocabulary from/)
    expect(() => trainTokenizer(cfg('char', 3), corpus)).toThrow(/vocabulary size/)
  })

  it('refuses damaged JSON with a plain message', () => {
    const good = trainTokenizer(cfg('subword', 700), corpus).toJSON()
    expect(() => tokenizerFromJSON({} as TokenizerJSON)).toThrow(/not a tokenizer file/)
    expect(() => tokenizerFromJSON({ ...good, version: 2 } as unknown as TokenizerJSON)).toThrow(/version 2/)
    expect(() => tokenizerFromJSON({ ...good, vocab: good.vocab.slice(1) })).toThrow(/token 0 should be \[PAD\]/)
    expect(() => tokenizerFromJSON({ ...good, kind: 'sentencepiece' } as unknown as TokenizerJSON)).toThrow(/unknown kind/)
    if (good.kind !== 'subword') throw new Error('expected a subword tokenizer')
    expect(() => tokenizerFromJSON({ ...good, merges: [[5, 6, 99999]] })).toThrow(/merge 1/)
    expect(() => tokenizerFromJSON({ ...good, alphabetSize: 1e6 })).toThrow(/alphabet size/)
    expect(() => tokenizerFromJSON({ ...good, vocab: 'abc' } as unknown as TokenizerJSON)).toThrow(/not a list of strings/)
  })
})
