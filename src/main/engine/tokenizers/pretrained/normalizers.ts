// Normalisation steps of pretrained tokenizers, following the Hugging Face tokenizers library's
// definitions (BertNormalizer as in the original BERT BasicTokenizer: clean control characters, space
// out CJK ideographs, strip accents, lower-case; sentencepiece's compiled map; plain Unicode forms).
import { TokenizerError } from '../tokenizer-error'
import { applyCharsmap, parseCharsmap, type Charsmap } from './precompiled-charsmap'
import type { NormalizerStep } from './types'

/** The normaliser steps this runtime implements (others are refused when a base is imported). */
export const NORMALIZER_TYPES = ['BertNormalizer', 'Lowercase', 'StripAccents', 'NFC', 'NFD', 'NFKC', 'NFKD', 'Replace', 'Precompiled', 'Strip', 'Prepend'] as const

// Control characters as the Rust library's BertNormalizer removes them (unassigned code points stay).
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u
const WHITESPACE = /\s/u
const MARK_NONSPACING = /\p{Mn}/gu

/** CJK Unified Ideographs and their extensions, as BERT defines "Chinese character" (code points). */
export function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  )
}

function bertClean(text: string): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp === 0 || cp === 0xfffd) continue
    if (ch === '\t' || ch === '\n' || ch === '\r' || WHITESPACE.test(ch)) out += ' '
    else if (!CONTROL.test(ch)) out += ch
  }
  return out
}

function spaceCjk(text: string): string {
  let out = ''
  for (const ch of text) out += isCjk(ch.codePointAt(0)!) ? ` ${ch} ` : ch
  return out
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(MARK_NONSPACING, '')
}

// A Precompiled step whose tokenizer.json leaves out the compiled map: sentencepiece's nmt_nfkc read as
// NFKC plus its own rules: drop C0 controls, map the listed spaces and U+2581 to a space (the zero-width
// joiner U+200D stays), then NFKC (around U+FF5E, which the map keeps). It equals the compiled map on
// every single code point, not on every text: the map reads grapheme clusters (CR LF is one space).
// eslint-disable-next-line no-control-regex -- removing control characters is what this map does
const PRECOMPILED_DROP = /[\u0001-\u0008\u000B\u000E-\u001F\u007F\u008F\u009F]/g
// eslint-disable-next-line no-control-regex -- tabs, newlines and other spaces all become ' '
const PRECOMPILED_SPACE = new RegExp('[\\u0009\\u000A\\u000C\\u000D\\u00A0\\u1680\\u2000-\\u200C\\u200E\\u200F\\u2028\\u2029\\u202F\\u205F\\u2581\\u3000\\uFEFF\\uFFFD]', 'g')

function nmtNfkc(text: string): string {
  text = text.replace(PRECOMPILED_DROP, '')
  text = text.replace(PRECOMPILED_SPACE, ' ')
  return text.includes('\uFF5E') ? text.split('\uFF5E').map((p) => p.normalize('NFKC')).join('\uFF5E') : text.normalize('NFKC')
}

// Parsed compiled maps, by the step that carries them.
const charsmaps = new WeakMap<NormalizerStep, Charsmap>()

function charsmapOf(step: NormalizerStep): Charsmap | null {
  if (typeof step.precompiled_charsmap !== 'string' || !step.precompiled_charsmap) return null
  let map = charsmaps.get(step)
  if (!map) {
    try {
      map = parseCharsmap(step.precompiled_charsmap)
    } catch (err) {
      throw new TokenizerError(`The tokenizer's precompiled normalisation map cannot be read: ${(err as Error).message}.`)
    }
    charsmaps.set(step, map)
  }
  return map
}

function replacePattern(step: NormalizerStep): RegExp {
  const p = step.pattern as { String?: string; Regex?: string } | undefined
  if (p?.String !== undefined) return new RegExp(p.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu')
  if (p?.Regex !== undefined) {
    try {
      return new RegExp(p.Regex, 'gu')
    } catch {
      throw new TokenizerError(`The tokenizer's Replace pattern ${JSON.stringify(p.Regex).slice(0, 80)} is not a regular expression this app can read.`)
    }
  }
  throw new TokenizerError('The tokenizer has a Replace step without a pattern.')
}

/** Applies one normalisation step. */
export function applyNormalizer(step: NormalizerStep, text: string): string {
  switch (step.type) {
    case 'BertNormalizer': {
      const lowercase = step.lowercase !== false
      if (step.clean_text !== false) text = bertClean(text)
      if (step.handle_chinese_chars !== false) text = spaceCjk(text)
      const strip = step.strip_accents === null || step.strip_accents === undefined ? lowercase : step.strip_accents === true
      if (strip) text = stripAccents(text)
      return lowercase ? text.toLowerCase() : text
    }
    case 'Lowercase':
      return text.toLowerCase()
    case 'StripAccents':
      return stripAccents(text)
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return text.normalize(step.type)
    case 'Replace':
      return text.replace(replacePattern(step), String(step.content ?? ''))
    case 'Precompiled': {
      const map = charsmapOf(step)
      return map ? applyCharsmap(map, text) : nmtNfkc(text)
    }
    case 'Strip': {
      const left = step.strip_left !== false
      const right = step.strip_right !== false
      return left && right ? text.trim() : left ? text.trimStart() : right ? text.trimEnd() : text
    }
    case 'Prepend':
      return text.length > 0 ? String(step.prepend ?? '') + text : text
    default:
      throw new TokenizerError(`The tokenizer uses a normalisation step "${step.type}" this app does not implement.`)
  }
}

/** Flattens a tokenizer.json `normalizer` (possibly a Sequence, possibly null) into steps; refuses unknown ones. */
export function flattenNormalizer(node: unknown): NormalizerStep[] {
  if (node === null || node === undefined) return []
  const step = node as NormalizerStep
  if (step.type === 'Sequence') return ((step.normalizers as unknown[]) ?? []).flatMap(flattenNormalizer)
  if (!(NORMALIZER_TYPES as readonly string[]).includes(step.type)) {
    throw new TokenizerError(`The tokenizer uses a normalisation step "${String(step.type)}" this app does not implement.`)
  }
  if (step.type === 'Precompiled') {
    // The compiled map travels with the tokenizer (into saved models and exported bundles); it is read now so a damaged one is refused at import.
    const charsmap = typeof step.precompiled_charsmap === 'string' && step.precompiled_charsmap ? step.precompiled_charsmap : null
    const kept: NormalizerStep = { type: 'Precompiled', precompiled_charsmap: charsmap }
    charsmapOf(kept)
    return [kept]
  }
  if (step.type === 'Replace') replacePattern(step)
  return [step]
}
