// Pre-tokenisation steps of pretrained tokenizers (Hugging Face definitions): split a normalised text
// into words that the subword model then encodes one by one.
import { TokenizerError } from '../tokenizer-error'
import { bytesToUnicode } from './byte-level'
import type { PreTokenizerStep } from './types'

/** The pre-tokeniser steps this runtime implements. */
export const PRE_TOKENIZER_TYPES = ['BertPreTokenizer', 'ByteLevel', 'Metaspace', 'Whitespace', 'WhitespaceSplit', 'Punctuation', 'Digits'] as const

// BERT's punctuation: Unicode P* plus every ASCII symbol ($, +, <, =, >, ^, `, |, ~ are S* in Unicode).
const BERT_SPLIT = /[^\s\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]+|[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/gu
// GPT-2's word pattern (encoder.py), as written in tokenizer.json's ByteLevel pre-tokeniser.
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu
const PUNCT = /[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/u

/** Where a section sits among the text's sections (Metaspace's prepend_scheme 'first' needs it). */
export interface PreTokenizeContext {
  sectionIndex: number
}

function metaspace(step: PreTokenizerStep, text: string, ctx: PreTokenizeContext): string[] {
  const rep = typeof step.replacement === 'string' ? step.replacement : '\u2581'
  // Older files say add_prefix_space; newer ones prepend_scheme (always | first | never).
  const scheme = typeof step.prepend_scheme === 'string' ? step.prepend_scheme : step.add_prefix_space === false ? 'never' : 'always'
  let s = text.replaceAll(' ', rep)
  if (!s.startsWith(rep) && (scheme === 'always' || (scheme === 'first' && ctx.sectionIndex === 0))) s = rep + s
  if (step.split === false) return [s]
  // Split before each replacement character, keeping it with the word that follows.
  const out: string[] = []
  let start = 0
  for (let i = rep.length; i <= s.length - rep.length; i++) {
    if (s.startsWith(rep, i) && i > start) {
      out.push(s.slice(start, i))
      start = i
    }
  }
  if (start < s.length) out.push(s.slice(start))
  return out
}

function applyOne(step: PreTokenizerStep, word: string, ctx: PreTokenizeContext): string[] {
  switch (step.type) {
    case 'BertPreTokenizer':
      return word.match(BERT_SPLIT) ?? []
    case 'ByteLevel': {
      const text = step.add_prefix_space === true && !word.startsWith(' ') ? ' ' + word : word
      const parts = step.use_regex === false ? [text] : (text.match(GPT2_SPLIT) ?? [])
      return parts.map(bytesToUnicode)
    }
    case 'Metaspace':
      return metaspace(step, word, ctx)
    case 'Whitespace':
      return word.match(/\w+|[^\w\s]+/gu) ?? []
    case 'WhitespaceSplit':
      return word.match(/\S+/gu) ?? []
    case 'Punctuation': {
      const out: string[] = []
      let cur = ''
      for (const ch of word) {
        if (PUNCT.test(ch)) {
          if (cur) out.push(cur)
          out.push(ch)
          cur = ''
        } else cur += ch
      }
      if (cur) out.push(cur)
      return out
    }
    case 'Digits':
      return step.individual_digits === true ? (word.match(/\p{Nd}|[^\p{Nd}]+/gu) ?? []) : (word.match(/\p{Nd}+|[^\p{Nd}]+/gu) ?? [])
    default:
      throw new TokenizerError(`The tokenizer uses a pre-tokenisation step "${step.type}" this app does not implement.`)
  }
}

/** Runs the steps in order, each on every word the previous one produced. */
export function preTokenize(steps: PreTokenizerStep[], text: string, ctx: PreTokenizeContext): string[] {
  let words = [text]
  for (const step of steps) words = words.flatMap((w) => applyOne(step, w, ctx))
  return words
}

/** Flattens a tokenizer.json `pre_tokenizer` into steps; refuses unknown ones. */
export function flattenPreTokenizer(node: unknown): PreTokenizerStep[] {
  if (node === null || node === undefined) return []
  const step = node as PreTokenizerStep
  if (step.type === 'Sequence') return ((step.pretokenizers as unknown[]) ?? []).flatMap(flattenPreTokenizer)
  if (!(PRE_TOKENIZER_TYPES as readonly string[]).includes(step.type)) {
    throw new TokenizerError(`The tokenizer uses a pre-tokenisation step "${String(step.type)}" this app does not implement.`)
  }
  return [step]
}
