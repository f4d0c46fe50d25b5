// The serialised form of a tokenizer that came with a pretrained base (a Hugging Face tokenizer.json
// or vocab files), reduced to what encoding needs. It ships inside exported bundles, so it holds plain
// data only: the normaliser and pre-tokeniser steps in Hugging Face's own JSON shapes (the supported
// subset, checked on import), the model's vocabulary and merges or scores, the special-token template.

/** One normalisation step, in tokenizer.json's shape (BertNormalizer, Lowercase, NFKC, Replace, ...). */
export interface NormalizerStep {
  type: string
  [key: string]: unknown
}

/** One pre-tokenisation step, in tokenizer.json's shape (BertPreTokenizer, ByteLevel, Metaspace, ...). */
export interface PreTokenizerStep {
  type: string
  [key: string]: unknown
}

/** A token matched in the raw text before normalisation ([CLS], <mask>, <|endoftext|>). */
export interface AddedToken {
  id: number
  content: string
  /** Strip whitespace on the left / right of the token when it is matched. */
  lstrip: boolean
  rstrip: boolean
  /** Matched after normalisation instead of in the raw text. */
  normalized: boolean
  special: boolean
}

/** Ids of the tokens models treat specially (null where the tokenizer has none). */
export interface SpecialIds {
  pad: number | null
  unk: number | null
  cls: number | null
  sep: number | null
  mask: number | null
  bos: number | null
  eos: number | null
}

/** The subword model proper. */
export type PretrainedModelJSON =
  | { type: 'WordPiece'; unk: string; prefix: string; maxInputChars: number }
  | { type: 'BPE'; merges: [string, string][]; unk: string | null; byteFallback: boolean; ignoreMerges: boolean; fuseUnk: boolean }
  | { type: 'Unigram'; scores: number[]; unkId: number | null; byteFallback: boolean }

/** A pretrained tokenizer on disk (inside a base and inside exported bundles). */
export interface PretrainedTokenizerJSON {
  format: 'attention-workbench-tokenizer'
  version: 1
  kind: 'wordpiece' | 'bpe' | 'unigram'
  /** Kept for the common tokenizer shape; normalisation is in `normalizer`. */
  lowercase: false
  normalize: 'none'
  /** id -> token (added tokens included). */
  vocab: string[]
  model: PretrainedModelJSON
  normalizer: NormalizerStep[]
  preTokenizer: PreTokenizerStep[]
  /** The decoder family, for decode(): WordPiece (## joins), ByteLevel (bytes) or Metaspace (▁ spaces). */
  decoder: 'WordPiece' | 'ByteLevel' | 'Metaspace' | 'none'
  addedTokens: AddedToken[]
  /** Ids put before and after one text (BERT: [CLS] / [SEP]; RoBERTa: <s> / </s>; GPT-2: none). */
  template: { before: number[]; after: number[] }
  special: SpecialIds
}
