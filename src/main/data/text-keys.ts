// Compact keys for comparing texts and labels without keeping the texts: exact (trimmed) and
// "near" (case, punctuation, symbols and spacing ignored), as 53-bit hashes so a million rows fit
// in a few megabytes. Two different texts share a key with odds of about 1 in 10^10 per pair.

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain). */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/** Key of a text up to surrounding whitespace. */
export function exactKey(text: string): number {
  return hash53(text.trim())
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

/** A text with case, punctuation, symbols and spacing removed; two near-duplicates share it. */
export function nearForm(text: string): string {
  // ASCII needs no Unicode normalisation (and skipping it is most of the cost).
  const normal = isAscii(text) ? text : text.normalize('NFKC')
  return normal.toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, ' ').trim()
}

/** Key of a text's near form, or -1 when nothing is left of it. */
export function nearKey(text: string): number {
  const f = nearForm(text)
  return f === '' ? -1 : hash53(f)
}

/** A label with case and spacing ignored: "Spam" and "spam " share it. */
export function labelKey(label: string): string {
  return label.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
}
