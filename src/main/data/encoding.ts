// Text encoding detection and streaming decoding. BOMs win, then strict UTF-8, then chardet's guess.
import chardet from 'chardet'
import iconv from 'iconv-lite'
import type { Transform } from 'node:stream'
import { UserError } from '../../shared/api'

/** Encodings offered in the "encoding" picker, besides whatever was detected. */
export const commonEncodings = ['utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'shift_jis', 'windows-1252', 'big5', 'euc-kr', 'euc-jp']

/** What detection found: the encoding to use, how sure, and alternatives to offer. */
export interface EncodingGuess {
  encoding: string
  /** 'bom' and 'utf-8' are certain; 'guess' comes from byte statistics. */
  basis: 'bom' | 'utf-8' | 'guess' | 'override'
  candidates: string[]
}

/** Canonical lower-case name iconv-lite accepts; legacy Latin-1 becomes its Windows superset. */
export function canonicalEncoding(name: string): string {
  const n = name.trim().toLowerCase().replace(/_/g, '-')
  const aliases: Record<string, string> = {
    utf8: 'utf-8',
    'utf-16': 'utf-16le',
    'iso-8859-1': 'windows-1252',
    latin1: 'windows-1252',
    cp1252: 'windows-1252',
    'shift-jis': 'shift_jis',
    sjis: 'shift_jis',
    gbk: 'gb18030',
    gb2312: 'gb18030',
  }
  return aliases[n] ?? n
}

/** Check a user-chosen encoding and return its canonical name. */
export function checkEncoding(name: string): string {
  const enc = canonicalEncoding(name)
  if (!iconv.encodingExists(enc)) {
    throw new UserError(`Unknown text encoding "${name}". Try one of: ${commonEncodings.join(', ')}.`)
  }
  return enc
}

/** The BOM's encoding and length, if the bytes start with one. */
export function bomOf(bytes: Uint8Array): { encoding: string; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 }
  return null
}

/** True when the sample is valid UTF-8 (a multi-byte character cut off at the end is allowed). */
export function isUtf8(sample: Uint8Array, complete: boolean): boolean {
  let end = sample.length
  if (!complete) {
    // Step back over a possibly truncated trailing character (at most 3 bytes).
    let back = 0
    while (back < 3 && end - back - 1 >= 0 && (sample[end - back - 1] & 0xc0) === 0x80) back++
    if (end - back - 1 >= 0 && sample[end - back - 1] >= 0xc0) end = end - back - 1
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end))
    return true
  } catch {
    return false
  }
}

/** UTF-16 without a BOM shows up as a NUL in every other byte of ASCII-heavy text. */
function utf16WithoutBom(sample: Uint8Array): string | null {
  const n = Math.min(sample.length, 4096) & ~1
  if (n < 8) return null
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenZeros++
    if (sample[i + 1] === 0) oddZeros++
  }
  const pairs = n / 2
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le'
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be'
  return null
}

/** Detect the encoding of a file from its first bytes; `override` (the user's choice) wins. */
export function detectEncoding(sample: Uint8Array, complete: boolean, override?: string): EncodingGuess {
  const ranked: string[] = []
  let encoding: string
  let basis: EncodingGuess['basis']
  const bom = bomOf(sample)
  if (override) {
    encoding = checkEncoding(override)
    basis = 'override'
  } else if (bom) {
    encoding = bom.encoding
    basis = 'bom'
  } else if (utf16WithoutBom(sample)) {
    encoding = utf16WithoutBom(sample)!
    basis = 'guess'
  } else if (isUtf8(sample, complete)) {
    encoding = 'utf-8'
    basis = 'utf-8'
  } else {
    for (const m of chardet.analyse(sample)) {
      const enc = canonicalEncoding(m.name)
      if (iconv.encodingExists(enc) && !ranked.includes(enc) && !enc.startsWith('utf')) ranked.push(enc)
    }
    encoding = ranked[0] ?? 'windows-1252'
    basis = 'guess'
  }
  const candidates = [encoding, ...ranked.slice(0, 4), ...commonEncodings].filter((e, i, a) => a.indexOf(e) === i)
  return { encoding, basis, candidates }
}

/** A transform stream that decodes bytes in `encoding` to strings, dropping a BOM. */
export function decoderStream(encoding: string): Transform {
  return iconv.decodeStream(encoding, { stripBOM: true }) as unknown as Transform
}

/** Decode a whole buffer (small files: folder imports, samples). */
export function decodeBuffer(bytes: Uint8Array, encoding: string): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding, { stripBOM: true })
}
