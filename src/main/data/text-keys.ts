// Compact keys for comparing texts and labels without keeping the texts: exact (trimmed) and
// "near" (case, punctuation, symbols and spacing ignored), hashed so a million rows fit in memory.
import { createHash } from 'node:crypto'

const hash = (s: string) => createHash('md5').update(s).digest('base64')

/** Key of a text up to surrounding whitespace. */
export function exactKey(text: string): string {
  return hash(text.trim())
}

/** A text with case, punctuation, symbols and spacing removed; two near-duplicates share it. */
export function nearForm(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, ' ').trim()
}

/** Key of a text's near form, or '' when nothing is left of it. */
export function nearKey(text: string): string {
  const f = nearForm(text)
  return f === '' ? '' : hash(f)
}

/** A label with case and spacing ignored: "Spam" and "spam " share it. */
export function labelKey(label: string): string {
  return label.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
}
