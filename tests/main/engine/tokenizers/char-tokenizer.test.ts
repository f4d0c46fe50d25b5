import { describe, expect, it } from 'vitest'
import { UNK_ID, trainTokenizer } from '../../../../src/main/engine/tokenizers'
import { cfg } from './fixtures'

describe('char tokenizer', () => {
  it('treats each grapheme cluster as one token, whitespace included', () => {
    const text = 'e\u0301 👨‍👩‍👧‍👦 👍🏽\n'
    const tok = trainTokenizer(cfg('char', 100, { normalize: 'none' }), [text])
    expect(tok.encode(text).tokens).toEqual(['e\u0301', ' ', '👨‍👩‍👧‍👦', ' ', '👍🏽', '\n'])
    expect(tok.decode(tok.encode(text).ids)).toBe(text)
  })

  it('keeps the most frequent characters, ties by code units, and maps the rest to [UNK]', () => {
    const tok = trainTokenizer(cfg('char', 7), ['ccba', 'cab'])
    expect(tok.vocab.slice(5)).toEqual(['c', 'a'])
    expect(tok.encode('cab').ids).toEqual([5, 6, UNK_ID])
  })

  it('splits CJK, Thai and Arabic into their characters', () => {
    const texts = ['我们', 'ภาษา', 'مرحبا']
    const tok = trainTokenizer(cfg('char', 100), texts)
    expect(tok.encode('我们').tokens).toEqual(['我', '们'])
    expect(tok.encode('ภาษา').tokens).toEqual(['ภ', 'า', 'ษ', 'า'])
    expect(tok.encode('مرحبا').ids).not.toContain(UNK_ID)
  })
})
