// Unicode segmentation shared by the tokenizers: user-perceived characters (grapheme clusters) and
// words, via Intl.Segmenter (Node and every current browser), with ASCII fast paths because most
// training text is mostly ASCII and the segmenter is the slowest step.

let graphemeSegmenter: Intl.Segmenter | null = null
let wordSegmenter: Intl.Segmenter | null = null

function segmenter(granularity: 'grapheme' | 'word'): Intl.Segmenter {
  // A silent fallback would segment differently from training and change the ids, so refuse instead.
  if (typeof Intl === 'undefined' || typeof Intl.Segmenter !== 'function') {
    throw new Error('This JavaScript runtime lacks Intl.Segmenter (Node 16+ and current browsers have it); the tokenizer needs it.')
  }
  return new Intl.Segmenter('und', { granularity })
}

function graphemes(): Intl.Segmenter {
  return (graphemeSegmenter ??= segmenter('grapheme'))
}

function words(): Intl.Segmenter {
  return (wordSegmenter ??= segmenter('word'))
}

/**
 * Split text into grapheme clusters: an emoji ZWJ sequence, a flag, a skin-toned emoji or a letter
 * with combining marks each come back as one string.
 */
export function splitGraphemes(text: string): string[] {
  const out: string[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    // Below U+0300 nothing extends a cluster except CR LF, so each code unit is its own grapheme
    // unless the next one is >= U+0300 (it might be a combining mark or ZWJ for this one).
    const c = text.charCodeAt(i)
    if (c < 0x300 && (i + 1 >= n || text.charCodeAt(i + 1) < 0x300)) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) {
        out.push('\r\n')
        i += 2
      } else {
        out.push(text[i])
        i += 1
      }
      continue
    }
    // Slow path: segment the run up to a point where two plain characters meet (both below U+0300,
    // not CR LF), since no cluster can span that boundary.
    let j = i + 1
    while (j < n && !isPlainBoundary(text, j)) j++
    for (const s of graphemes().segment(text.slice(i, j))) out.push(s.segment)
    i = j
  }
  return out
}

function isPlainBoundary(text: string, j: number): boolean {
  const prev = text.charCodeAt(j - 1)
  const cur = text.charCodeAt(j)
  const next = j + 1 < text.length ? text.charCodeAt(j + 1) : 0
  return prev < 0x300 && prev !== 13 && cur < 0x300 && next < 0x300
}

/** One segment of a text for word-level tokenisation. */
export interface WordSegment {
  segment: string
  /** Letters, numbers or ideographs (a word); false for punctuation, symbols, emoji, spaces. */
  isWord: boolean
}

/** Split text into UAX #29 words (dictionary-based for Chinese, Japanese, Thai), keeping every character. */
export function splitWords(text: string): WordSegment[] {
  const out: WordSegment[] = []
  for (const s of words().segment(text)) out.push({ segment: s.segment, isWord: s.isWordLike === true })
  return out
}

const noSpaceClass = '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}]'
const noSpaceScript = new RegExp(noSpaceClass, 'u')
const startsNoSpace = new RegExp('^' + noSpaceClass, 'u')
const endsNoSpace = new RegExp(noSpaceClass + '\\p{M}*$', 'u')
const ideograph = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u

/** True when a string contains characters from a script written without spaces between words (CJK, Thai...). */
export function hasNoSpaceScript(text: string): boolean {
  return noSpaceScript.test(text)
}

/** True when text starts with such a character (decoding puts no space before it after another). */
export function startsWithNoSpaceScript(text: string): boolean {
  return startsNoSpace.test(text)
}

/** True when text ends with such a character (marks allowed after it). */
export function endsWithNoSpaceScript(text: string): boolean {
  return endsNoSpace.test(text)
}

/** True for Chinese characters and Japanese kana, which carry meaning one by one. */
export function isIdeograph(grapheme: string): boolean {
  return ideograph.test(grapheme)
}
