// Approximate token counts before any tokenizer exists: whitespace-separated words, except that
// each Chinese/Japanese character counts as one token (those scripts do not separate words).
const cjk = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}'
const tokenPattern = new RegExp(`[${cjk}]|[^\\s${cjk}]+`, 'gu')

/** Word-level token count of `text`, CJK-aware (one token per ideograph or kana). */
export function countTokens(text: string): number {
  let n = 0
  tokenPattern.lastIndex = 0
  while (tokenPattern.exec(text) !== null) n++
  return n
}

/** One histogram bin: [binStart, binEnd). */
export interface LengthBin {
  binStart: number
  binEnd: number
  count: number
}

const niceWidths = [1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 256, 500, 512, 1000, 1024, 2048, 4096]

/** A histogram of lengths in about 20 bins, with `seqLen` on a bin edge; the last bin holds the tail. */
export function lengthHistogram(lengths: ArrayLike<number>, seqLen: number): LengthBin[] {
  if (lengths.length === 0) return []
  const sorted = Float64Array.from(lengths).sort()
  const max = sorted[sorted.length - 1]
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]
  const top = Math.max(Math.min(max, Math.max(p99, seqLen) * 1.25), 1)
  // A width dividing seqLen puts seqLen on a bin edge; past 24 bins the last one holds the tail.
  const width = niceWidths.find((w) => top / w <= 24 && seqLen % w === 0) ?? seqLen
  const bins = Math.max(1, Math.min(24, Math.ceil((top + 1) / width)))
  const counts = new Array<number>(bins).fill(0)
  for (let i = 0; i < lengths.length; i++) counts[Math.min(bins - 1, Math.floor(lengths[i] / width))]++
  return counts.map((count, i) => ({ binStart: i * width, binEnd: i === bins - 1 ? Math.max(max + 1, (i + 1) * width) : (i + 1) * width, count }))
}
