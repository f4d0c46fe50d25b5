import { describe, expect, it } from 'vitest'
import { UNK_ID, normalizeText, trainTokenizer } from '../../../../src/main/engine/tokenizers'
import { pretokenize } from '../../../../src/main/engine/tokenizers/pretokenize'
import { cfg, corpus, randomUnicode, rng } from './fixtures'

describe('subword (BPE) tokenizer', () => {
  it('is lossless on random Unicode it never saw, lone surrogates included', () => {
    const tok = trainTokenizer(cfg('subword', 600, { normalize: 'none' }), corpus)
    const rand = rng(42)
    for (let i = 0; i < 300; i++) {
      const text = randomUnicode(rand, Math.floor(rand() * 40))
      const { ids } = tok.encode(text)
      expect(ids).not.toContain(UNK_ID)
      expect(tok.decode(ids)).toBe(normalizeText(text, tok.options))
    }
  })

  it('learns frequent words as single tokens with their leading space', () => {
    const texts = Array.from({ length: 50 }, (_, i) => `the model reads the text ${i % 7}`)
    const tok = trainTokenizer(cfg('subword', 600), texts)
    expect(tok.encode('the model reads').tokens).toEqual(['the', '▁model', '▁reads'])
    // An unseen word is spelled from smaller pieces, not [UNK].
    const { tokens, ids } = tok.encode('the modem')
    expect(tokens.length).toBeGreaterThan(2)
    expect(ids).not.toContain(UNK_ID)
  })

  it('breaks ties between equally frequent pairs the same way every time (lower ids first)', () => {
    // Alphabet by count then code units: w=5 x=6 y=7 z=8; pairs xy and zw both occur twice.
    const tok = trainTokenizer(cfg('subword', 10), ['xy', 'zw', 'zw', 'xy'])
    expect(tok.vocab.slice(5)).toEqual(['w', 'x', 'y', 'z', 'xy'])
    expect(tok.encode('xyzw').tokens).toEqual(['xy', 'z', 'w'])
  })

  it('fills the vocabulary exactly when the corpus is rich enough', () => {
    const rand = rng(5)
    const syll = ['ka', 'to', 'ri', 'mu', 'sen', 'da', 'lo', 'pi', 'ne', 'vu']
    const texts = Array.from({ length: 400 }, () =>
      Array.from({ length: 12 }, () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => syll[Math.floor(rand() * syll.length)]).join('')).join(' '),
    )
    const tok = trainTokenizer(cfg('subword', 800), texts)
    expect(tok.vocabSize).toBe(800)
    expect(new Set(tok.vocab.slice(5)).size).toBe(tok.vocab.length - 5)
  })

  it('keeps emoji and combining marks whole inside tokens', () => {
    const texts = Array.from({ length: 10 }, () => 'great 👍🏽 café e\u0301 👨‍👩‍👧‍👦')
    const tok = trainTokenizer(cfg('subword', 600, { normalize: 'none' }), texts)
    const { tokens } = tok.encode('great 👍🏽 e\u0301 👨‍👩‍👧‍👦')
    expect(tokens.some((t) => t.includes('👍🏽'))).toBe(true)
    expect(tokens.some((t) => t.includes('e\u0301'))).toBe(true)
    expect(tokens.some((t) => t.includes('👨‍👩‍👧‍👦'))).toBe(true)
    // No token starts with a dangling combining mark or joiner.
    expect(tokens.some((t) => /^(?:\p{M}|\u200d|\p{Emoji_Modifier})/u.test(t))).toBe(false)
  })

  it('splits CJK into single characters before merging', () => {
    expect(pretokenize('我们 喜欢')).toEqual(['我', '们', ' 喜', '欢'])
    expect(pretokenize('Hi,  there!\n')).toEqual(['Hi', ',', ' ', ' there', '!', '\n'])
    // Thai has no spaces but is not split per character: BPE learns its syllables within the run.
    expect(pretokenize('ภาษาไทย ดี')).toEqual(['ภาษาไทย', ' ดี'])
    // Very long runs are cut so encoding cost stays bounded; nothing is lost.
    const long = 'x'.repeat(150)
    expect(pretokenize(long).map((p) => p.length)).toEqual([64, 64, 22])
    const rand = rng(9)
    for (let i = 0; i < 200; i++) {
      const text = randomUnicode(rand, 30)
      expect(pretokenize(text).join('')).toBe(text)
    }
  })

  it('without room for byte tokens, maps unseen characters to [UNK]', () => {
    const tok = trainTokenizer(cfg('subword', 64), ['abc abc abd'])
    const { ids } = tok.encode('abz')
    expect(ids[ids.length - 1]).toBe(UNK_ID)
    expect(tok.vocab.some((t) => t.startsWith('<0x'))).toBe(false)
  })
})
