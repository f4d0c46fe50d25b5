// sentencepiece's compiled normaliser, the `precompiled_charsmap` of a tokenizer.json (XLM-R, T5,
// ALBERT...): base64 of [u32 trie size in bytes][Darts double-array trie over UTF-8 bytes][NUL-ended
// replacement strings]. A trie value is the offset of a key's replacement in the string blob.
// Applied as the Rust tokenizers library applies it: an extended grapheme cluster of under 6 UTF-8
// bytes is looked up whole, and the first (shortest) key that starts it replaces the whole cluster;
// any other cluster, or one with no key at its start, is looked up one character at a time; what has
// no key stays as it is.

/** A parsed charsmap: the trie's units and the replacement strings. */
export interface Charsmap {
  trie: Uint32Array
  normalized: Uint8Array
  /** Replacements decoded so far, by blob offset. */
  decoded: Map<number, string>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: false })

/** Reads a base64 `precompiled_charsmap`; throws on a blob that cannot be one. */
export function parseCharsmap(base64: string): Charsmap {
  const raw = atob(base64)
  const bytes = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  if (bytes.length < 4) throw new Error('the precompiled charsmap is shorter than its header')
  const trieBytes = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0
  if (trieBytes % 4 !== 0 || 4 + trieBytes > bytes.length || trieBytes === 0) throw new Error('the precompiled charsmap has a trie size that does not fit it')
  const trie = new Uint32Array(trieBytes / 4)
  const view = new DataView(bytes.buffer, bytes.byteOffset + 4, trieBytes)
  for (let i = 0; i < trie.length; i++) trie[i] = view.getUint32(i * 4, true)
  return { trie, normalized: bytes.subarray(4 + trieBytes), decoded: new Map() }
}

// Darts unit fields.
const hasLeaf = (unit: number) => ((unit >>> 8) & 1) === 1
const value = (unit: number) => unit & 0x7fffffff
const label = (unit: number) => (unit & 0x800000ff) >>> 0
const offset = (unit: number) => (unit >>> 10) << ((unit & 0x200) >>> 6)

/** The value of the shortest key that prefixes `key`, or -1 (a NUL byte ends the key). */
function firstPrefixValue(trie: Uint32Array, key: Uint8Array): number {
  let pos = offset(trie[0])
  for (const c of key) {
    if (c === 0) break
    pos ^= c
    const unit = trie[pos]
    if (unit === undefined || label(unit) !== c) return -1
    pos ^= offset(unit)
    if (hasLeaf(unit)) return trie[pos] === undefined ? -1 : value(trie[pos])
  }
  return -1
}

/** The replacement for a chunk of text, or null when no key starts it. */
function transform(map: Charsmap, chunk: string): string | null {
  const at = firstPrefixValue(map.trie, encoder.encode(chunk))
  if (at < 0 || at >= map.normalized.length) return null
  let s = map.decoded.get(at)
  if (s === undefined) {
    let end = at
    while (end < map.normalized.length && map.normalized[end] !== 0) end++
    s = decoder.decode(map.normalized.subarray(at, end))
    map.decoded.set(at, s)
  }
  return s
}

const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null

/** Extended grapheme clusters (one per code point where the runtime has no segmenter). */
function graphemes(text: string): Iterable<string> {
  if (!segmenter) return Array.from(text)
  return Array.from(segmenter.segment(text), (s) => s.segment)
}

/** Normalises a text with a parsed charsmap. */
export function applyCharsmap(map: Charsmap, text: string): string {
  let out = ''
  for (const g of graphemes(text)) {
    if (encoder.encode(g).length < 6) {
      const whole = transform(map, g)
      if (whole !== null) {
        out += whole
        continue
      }
    }
    for (const ch of g) out += transform(map, ch) ?? ch
  }
  return out
}
