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

/** Split (already normalised) text into pieces, each a list of graphemes. */
export function pretokenize(text: string): string[][] {
  const gs = splitGraphemes(text)
  const kinds = gs.map(kindOf)
  const pieces: string[][] = []
  let cur: string[] = []
  let curKind: Kind | 'lead' | null = null
  const flush = (): void => {
    if (cur.length) pieces.push(cur)
    cur = []
    curKind = null
  }
  for (let i = 0; i < gs.length; i++) {
    const g = gs[i]
    const k = kinds[i]
    if (g === ' ' && i + 1 < gs.length && kinds[i + 1] !== 'ws') {
      // A single space before a word travels with the word (" the"), as in GPT-2.
      flush()
      cur = [g]
      curKind = 'lead'
      continue
    }
    if (curKind === 'lead') {
      cur.push(g)
      curKind = k
      if (k === 'cjk') flush()
      continue
    }
    if (k === 'cjk') {
      flush()
      pieces.push([g])
      continue
    }
    if (k !== curKind || cur.length >= MAX_PIECE) flush()
    cur.push(g)
    curKind = k
  }
  flush()
  return pieces
}
