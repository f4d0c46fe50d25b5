// Tokenizers: character, word and subword (byte-fallback BPE), trained on a dataset's own text, and
// the WordPiece / byte-level BPE / Unigram tokenizers that come with pretrained bases.
// Plain TypeScript with no dependencies so the same code runs in the trainer, the terminal, the
// browser and inside exported model bundles; a trained tokenizer round-trips through JSON.
import type { TokenizerConfig } from '../../../shared/config'
import { CharTokenizer } from './char-tokenizer'
import { PretrainedTokenizer } from './pretrained/pretrained-tokenizer'
import { NUM_SPECIAL } from './special-tokens'
import { SubwordTokenizer } from './subword-tokenizer'
import { TokenizerError } from './tokenizer-error'
import type { TextOptions, Tokenizer, TokenizerJSON } from './types'
import { WordTokenizer } from './word-tokenizer'

export { CLS_ID, MASK_ID, NUM_SPECIAL, PAD_ID, SEP_ID, SPECIAL_TOKENS, UNK_ID } from './special-tokens'
export { encodeBatch, type EncodeBatchOptions, type EncodedBatch } from './encode-batch'
export { normalizeText } from './normalize'
export { TokenizerError } from './tokenizer-error'
export type { Encoding, FramedTokenizer, TextOptions, Tokenizer, TokenizerJSON, TokenizerKind } from './types'
export { isFramed } from './types'
export { CharTokenizer, PretrainedTokenizer, SubwordTokenizer, WordTokenizer }
export { tokenizerFromFiles, type PretrainedTokenizerJSON, type TokenizerFiles } from './pretrained'

/** Train the configured tokenizer on the training texts (deterministic for the same inputs). */
export function trainTokenizer(config: TokenizerConfig, texts: string[]): Tokenizer {
  if (!Number.isInteger(config.vocabSize) || config.vocabSize <= NUM_SPECIAL) {
    throw new TokenizerError(`The vocabulary size must be a whole number above ${NUM_SPECIAL}; got ${config.vocabSize}.`)
  }
  if (!texts.some((t) => typeof t === 'string' && t.trim() !== '')) {
    throw new TokenizerError('There is no text to learn a vocabulary from: every training text is empty.')
  }
  const options: TextOptions = { lowercase: config.lowercase, normalize: config.normalize }
  switch (config.kind) {
    case 'char':
      return CharTokenizer.train(texts, config.vocabSize, options)
    case 'word':
      return WordTokenizer.train(texts, config.vocabSize, options)
    case 'subword':
      return SubwordTokenizer.train(texts, config.vocabSize, options)
    default:
      throw new TokenizerError(`Unknown tokenizer kind "${String((config as { kind: unknown }).kind)}".`)
  }
}

/** Rebuild a tokenizer saved with toJSON(); throws TokenizerError if the JSON is damaged. */
export function tokenizerFromJSON(json: TokenizerJSON): Tokenizer {
  if (typeof json !== 'object' || json === null || json.format !== 'attention-workbench-tokenizer') {
    throw new TokenizerError('This is not a tokenizer file saved by Attention Workbench.')
  }
  if (json.version !== 1) {
    throw new TokenizerError(`This tokenizer file has version ${String(json.version)}, which this version of the app cannot read.`)
  }
  if (typeof json.lowercase !== 'boolean' || !['NFC', 'NFKC', 'none'].includes(json.normalize)) {
    throw new TokenizerError('The tokenizer file is damaged: its lower-casing or normalisation setting is missing.')
  }
  switch (json.kind) {
    case 'char':
      return CharTokenizer.fromJSON(json)
    case 'word':
      return WordTokenizer.fromJSON(json)
    case 'subword':
      return SubwordTokenizer.fromJSON(json)
    case 'wordpiece':
    case 'bpe':
    case 'unigram':
      if (!Array.isArray(json.vocab) || !json.model || !Array.isArray(json.normalizer) || !Array.isArray(json.preTokenizer) || !json.template || !json.special) {
        throw new TokenizerError('The tokenizer file is damaged: its vocabulary, model or special tokens are missing.')
      }
      return new PretrainedTokenizer(json)
    default:
      throw new TokenizerError(`The tokenizer file names an unknown kind "${String((json as { kind: unknown }).kind)}".`)
  }
}
