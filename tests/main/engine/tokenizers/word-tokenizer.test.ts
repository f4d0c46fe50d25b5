import { describe, expect, it } from 'vitest'
import { UNK_ID, trainTokenizer } from '../../../../src/main/engine/tokenizers'
import { cfg } from './fixtures'

describe('word tokenizer', () => {
  const tok = trainTokenizer(cfg('word', 200, { lowercase: true }), [
    "Hello, world! Don't panic: 3.14 is pi.",
    '我们喜欢自然语言处理。',
    'Great 👍🏽 news 👨‍👩‍👧‍👦',
  ])

  it('keeps words whole and punctuation separate', () => {
    expect(tok.encode("hello, world! don't").tokens).toEqual(['hello', ',', 'world', '!', "don't"])
    expect(tok.encode('3.14').tokens).toEqual(['3.14'])
  })

  it('splits CJK into dictionary words and falls back to characters for unknown ones', () => {
    const seen = tok.encode('我们喜欢自然语言处理')
    expect(seen.ids).not.toContain(UNK_ID)
    expect(seen.tokens.length).toBeGreaterThan(2)
    expect(seen.tokens.join('')).toBe('我们喜欢自然语言处理')
    // Reversed characters are not a learned word, but every character is known.
    const unseen = tok.encode('欢喜言语')
    expect(unseen.ids).not.toContain(UNK_ID)
    expect(unseen.tokens.join('')).toBe('欢喜言语')
  })

  it('keeps emoji as single tokens', () => {
    expect(tok.encode('great 👍🏽 👨‍👩‍👧‍👦').tokens).toEqual(['great', '👍🏽', '👨‍👩‍👧‍👦'])
  })

  it('maps unknown words to [UNK]', () => {
    expect(tok.encode('hello zebra').ids).toEqual([tok.vocab.indexOf('hello'), UNK_ID])
  })

  it('decodes with single spaces, and none between CJK characters', () => {
    expect(tok.decode(tok.encode('Hello,   world!').ids)).toBe('hello , world !')
    expect(tok.decode(tok.encode('我们喜欢').ids)).toBe('我们喜欢')
    // A supplementary-plane ideograph (two UTF-16 units) is still recognised as CJK.
    const astral = trainTokenizer(cfg('word', 20), ['\u{20000} 我'])
    expect(astral.decode(astral.encode('\u{20000} 我').ids)).toBe('\u{20000}我')
  })

  it('keeps the most frequent words when the vocabulary is small', () => {
    const small = trainTokenizer(cfg('word', 7), ['b a a c', 'a b', 'c c c c'])
    expect(small.vocab.slice(5)).toEqual(['c', 'a'])
  })
})
