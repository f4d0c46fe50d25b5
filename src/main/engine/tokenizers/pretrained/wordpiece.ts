// WordPiece (Schuster & Nakajima 2012, as BERT uses it): greedy longest-match-first over each word;
// pieces after the first carry the continuation prefix (##); a word with any unmatched rest, or longer
// than maxInputChars characters, becomes one unknown token.

/** Splits one pre-tokenised word into vocabulary pieces (or [unk] alone). */
export function wordPiece(word: string, has: (piece: string) => boolean, unk: string, prefix: string, maxInputChars: number): string[] {
  const chars = Array.from(word)
  if (chars.length > maxInputChars) return [unk]
  const out: string[] = []
  let start = 0
  while (start < chars.length) {
    let end = chars.length
    let found: string | null = null
    while (start < end) {
      const sub = (start > 0 ? prefix : '') + chars.slice(start, end).join('')
      if (has(sub)) {
        found = sub
        break
      }
      end--
    }
    if (found === null) return [unk]
    out.push(found)
    start = end
  }
  return out
}
