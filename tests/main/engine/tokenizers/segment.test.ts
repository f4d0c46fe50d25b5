import { describe, expect, it } from 'vitest'
import { splitGraphemes, splitWords } from '../../../../src/main/engine/tokenizers/segment'
import { normalizeText, toWellFormed } from '../../../../src/main/engine/tokenizers/normalize'
import { oddUnicode, randomUnicode, rng } from './fixtures'

const reference = new Intl.Segmenter('und', { granularity: 'grapheme' })
const refSplit = (s: string): string[] => [...reference.segment(s)].map((x) => x.segment)

describe('splitGraphemes', () => {
  it('keeps emoji sequences and combining marks as one character', () => {
    expect(splitGraphemes('a👨‍👩‍👧‍👦b')).toEqual(['a', '👨‍👩‍👧‍👦', 'b'])
    expect(splitGraphemes('👍🏽🇯🇵')).toEqual(['👍🏽', '🇯🇵'])
    expect(splitGraphemes('e\u0301x')).toEqual(['e\u0301', 'x'])
    expect(splitGraphemes('a\r\nb')).toEqual(['a', '\r\n', 'b'])
  })

  it('agrees with Intl.Segmenter on the odd-Unicode fixtures and on random strings', () => {
    for (const s of oddUnicode) expect(splitGraphemes(s)).toEqual(refSplit(s))
    const rand = rng(1)
    for (let i = 0; i < 500; i++) {
      const s = randomUnicode(rand, 1 + Math.floor(rand() * 30))
      expect(splitGraphemes(s)).toEqual(refSplit(s))
    }
  })
})

describe('splitWords', () => {
  it('splits Chinese into dictionary words and keeps every character', () => {
    const text = '我们喜欢自然语言处理'
    const words = splitWords(text)
    expect(words.map((w) => w.segment).join('')).toBe(text)
    expect(words.length).toBeGreaterThan(2)
    expect(words.every((w) => w.isWord && w.segment.length <= 4)).toBe(true)
  })
})

describe('normalizeText', () => {
  it('applies NFKC and lower-casing', () => {
    expect(normalizeText('ＡＢＣ ﬁ', { lowercase: true, normalize: 'NFKC' })).toBe('abc fi')
    expect(normalizeText('ＡＢＣ', { lowercase: false, normalize: 'NFC' })).toBe('ＡＢＣ')
    expect(normalizeText('e\u0301', { lowercase: false, normalize: 'NFC' })).toBe('é')
    expect(normalizeText('e\u0301', { lowercase: false, normalize: 'none' })).toBe('e\u0301')
    expect(normalizeText('Straße İ', { lowercase: true, normalize: 'NFC' })).toBe('straße i\u0307')
  })

  it('replaces lone surrogates and keeps valid pairs', () => {
    expect(toWellFormed('a\ud800b\udc00c')).toBe('a\ufffdb\ufffdc')
    expect(toWellFormed('👍\ud83d')).toBe('👍\ufffd')
    expect(toWellFormed('plain')).toBe('plain')
  })
})
