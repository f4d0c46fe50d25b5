// Splits text into the pieces BPE merges within (merges never cross a piece boundary), GPT-2
// style but on grapheme clusters: a run of letters (with marks), of digits, or of other symbols,
// each taking one preceding space with it; runs of whitespace; and each Chinese character or kana
// alone (as BERT does: they carry meaning singly, and runs without spaces would make huge pieces).
// Thai, Lao, Khmer and Burmese count as letters, so BPE can learn their syllables inside the run.
// Concatenating the pieces gives the text back exactly, which keeps the subword tokenizer lossless.
import { isIdeograph, splitGraphemes } from './segment'

/** Longest piece in graphemes: bounds BPE encoding cost on pathological strings (URLs, base64). */
export const MAX_PIECE = 64

type Kind = 'ws' | 'letter' | 'number' | 'cjk' | 'other'

const letter = /^[\p{L}\p{M}]/u
const digit = /^\p{N}/u
const space = /^\s/u

function kindOf(g: string): Kind {
  const c = g.charCodeAt(0)
  if (c < 0x80) {
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return 'letter'
    if (c >= 48 && c <= 57) return 'number'
    if (c === 32 || (c >= 9 && c <= 13)) return 'ws'
    return 'other'
  }
  if (space.test(g)) return 'ws'
  if (isIdeograph(g)) return 'cjk'
  if (letter.test(g)) return 'letter'
  if (digit.test(g)) return 'number'
  return 'other'
}

/** Split (already normalised) text into pieces; their concatenation is the text. */
export function pretokenize(text: string): string[] {
  const gs = splitGraphemes(text)
  const n = gs.length
  const kinds = gs.map(kindOf)
  // at[i]: code-unit offset of grapheme i, so pieces are slices of the text (no joining).
  const at = new Array<number>(n + 1)
  at[0] = 0
  for (let i = 0; i < n; i++) at[i + 1] = at[i] + gs[i].length
  const pieces: string[] = []
  let start = 0
  let curKind: Kind | 'lead' | null = null
  const cut = (end: number): void => {
    if (end > start) pieces.push(text.slice(at[start], at[end]))
    start = end
  }
  for (let i = 0; i < n; i++) {
    const k = kinds[i]
    if (gs[i] === ' ' && i + 1 < n && kinds[i + 1] !== 'ws') {
      // A single space before a word travels with the word (" the"), as in GPT-2.
      cut(i)
      curKind = 'lead'
    } else if (curKind === 'lead') {
      curKind = k
      if (k === 'cjk') {
        cut(i + 1)
        curKind = null
      }
    } else if (k === 'cjk') {
      cut(i)
      cut(i + 1)
      curKind = null
    } else {
      if (k !== curKind || i - start >= MAX_PIECE) cut(i)
      curKind = k
    }
  }
  cut(n)
  return pieces
}
