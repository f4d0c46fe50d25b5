// Shared texts for the tokenizer tests: ordinary sentences plus the Unicode that breaks naive code.
import type { TokenizerConfig } from '../../../../src/shared/config'

/** Strings every tokenizer must survive (encode, decode, batch) without throwing. */
export const oddUnicode = [
  'family 👨‍👩‍👧‍👦 and thumbs 👍🏽 and flag 🇯🇵 and keycap 1️⃣',
  'combining: e\u0301 a\u0308 Z\u0351\u036b\u0343\u036a\u0302 and precomposed é ä',
  '我们喜欢自然语言处理。東京に行きます！안녕하세요 세계',
  'RTL: مرحبا بالعالم and שלום עולם \u200f\u202b nested \u202c',
  'zero-width: a\u200bb\u200cc\u200dd\ufeffe',
  'lone surrogates: \ud800 x \udc00 y \udbff',
  'whitespace:\r\n\ttabs  and   spaces\n\n',
  'fullwidth ＡＢＣ１２３ and ligature ﬁ and ① and ㎏',
  'thai ภาษาไทย and devanagari क्षत्रिय',
  '▁ literal lower block and [CLS] [PAD] <0x41> in text',
  '',
]

const base = [
  'The quick brown fox jumps over the lazy dog.',
  'A stitch in time saves nine!',
  'Attention is all you need, they said; was it?',
  'Tokenizers split text into pieces: words, subwords or characters.',
  'Data data data, the model wants more data.',
]

/** A small corpus with some repetition so vocabularies and merges have something to learn. */
export const corpus = [...base, ...base.map((t) => t.toUpperCase()), ...oddUnicode]

/** A tokenizer config with defaults the tests override. */
export function cfg(kind: TokenizerConfig['kind'], vocabSize: number, extra: Partial<TokenizerConfig> = {}): TokenizerConfig {
  return { kind, vocabSize, lowercase: false, normalize: 'NFC', ...extra }
}

/** Deterministic pseudo-random numbers for property tests. */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

/** Random strings drawn from tricky code points, including astral ones and lone surrogates. */
export function randomUnicode(rand: () => number, length: number): string {
  const pool = [
    'a', 'b', 'Z', ' ', ' ', '\n', '\r', '\t', '.', ',', '1', '0', '\u0301', '\u0308', '\u200d', '\u200b', '\ufe0f',
    '👍', '🏽', '👩', '🇯', '🇵', '我', '们', 'の', '한', 'ᄀ', 'ᅡ', 'ب', 'ש', '\u0600', 'क', '्', 'ษ', '©',
    '\ud800', '\udc00', '▁', 'ﬁ', 'Ａ', 'İ', 'ß', '\u0000', '\uffff',
  ]
  let s = ''
  for (let i = 0; i < length; i++) s += pool[Math.floor(rand() * pool.length)]
  return s
}
