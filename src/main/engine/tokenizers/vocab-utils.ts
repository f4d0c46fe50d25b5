// Small helpers the tokenizers share: deterministic frequency ranking and id maps that never let
// text reach the special-token ids.
import { NUM_SPECIAL, SPECIAL_TOKENS, UNK_ID } from './special-tokens'
import { TokenizerError } from './tokenizer-error'

/**
 * The `limit` most frequent keys, most frequent first; equal counts are ordered by code units so
 * training gives the same vocabulary on every run and machine.
 */
export function topByCount(counts: Map<string, number>, limit: number): string[] {
  const entries = [...counts.entries()]
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return entries.slice(0, Math.max(0, limit)).map((e) => e[0])
}

/** Map learned token strings to ids, skipping the specials so the literal text "[CLS]" is never id 2. */
export function learnedIds(vocab: string[], from = NUM_SPECIAL): Map<string, number> {
  const map = new Map<string, number>()
  for (let id = from; id < vocab.length; id++) if (!map.has(vocab[id])) map.set(vocab[id], id)
  return map
}

/** Decode-side text of an id that is not a learned token: specials vanish, [UNK] is U+FFFD. */
export function specialText(id: number): string {
  return id === UNK_ID ? '\uFFFD' : ''
}

/** Build the full vocabulary: specials first, then the learned tokens. */
export function withSpecials(learned: string[]): string[] {
  return [...SPECIAL_TOKENS, ...learned]
}

/** Check that a vocabulary read from JSON has the specials at their fixed ids. */
export function checkVocab(vocab: unknown): string[] {
  if (!Array.isArray(vocab) || vocab.some((v) => typeof v !== 'string')) {
    throw new TokenizerError('The tokenizer file is damaged: its vocabulary is not a list of strings.')
  }
  SPECIAL_TOKENS.forEach((t, i) => {
    if (vocab[i] !== t) {
      throw new TokenizerError(`The tokenizer file is damaged: token ${i} should be ${t} but is ${JSON.stringify(vocab[i])}.`)
    }
  })
  return vocab as string[]
}
