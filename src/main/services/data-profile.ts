// A profile of a dataset's training rows for sizing presets: how many, how long, how varied.
import type { DataProfile } from '../../shared/preset-sizing'
import type { JobData } from '../../shared/trainer-protocol'

// Word-level tokens as a tokenizer would roughly see them: CJK characters one by one, runs of
// letters and digits, and single punctuation marks.
const tokenPattern = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu
const wordPattern = /[\p{L}\p{N}]+/gu

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** Profile the training split of job data (at most `sample` texts are read). */
export function profileOf(data: Pick<JobData, 'labels' | 'train'>, sample = 20_000): DataProfile {
  const texts = data.train.texts.length > sample ? data.train.texts.filter((_, i) => i % Math.ceil(data.train.texts.length / sample) === 0) : data.train.texts
  const tokens: number[] = []
  const chars: number[] = []
  const words = new Set<string>()
  for (const t of texts) {
    tokens.push((t.match(tokenPattern) ?? []).length)
    chars.push(t.length)
    for (const w of t.toLowerCase().match(wordPattern) ?? []) words.add(w)
  }
  tokens.sort((a, b) => a - b)
  chars.sort((a, b) => a - b)
  // Distinct words grow with the sample; scale back up when only part was read.
  const scale = data.train.texts.length / Math.max(1, texts.length)
  return {
    nTrain: data.train.texts.length,
    nClasses: data.labels.length,
    tokens: { p50: percentile(tokens, 50), p90: percentile(tokens, 90), p95: percentile(tokens, 95), max: tokens[tokens.length - 1] ?? 0 },
    charsP50: percentile(chars, 50),
    distinctWords: Math.round(words.size * Math.sqrt(scale)),
  }
}
