// The tokenizer interface the models, the trainer and exported bundles code against.
import type { TokenizerConfig } from '../../../shared/config'
import type { PretrainedTokenizerJSON } from './pretrained/types'

/** Which tokenizer family: one the app trains (TokenizerConfig['kind']) or one that came with a pretrained base. */
export type TokenizerKind = TokenizerConfig['kind'] | PretrainedTokenizerJSON['kind']

/** Text preparation shared by every tokenizer, stored with it so encoding is reproducible. */
export interface TextOptions {
  lowercase: boolean
  normalize: TokenizerConfig['normalize']
}

/** A text as ids plus the token strings shown beside attention weights (tokens[i] is vocab[ids[i]]). */
export interface Encoding {
  ids: number[]
  tokens: string[]
}

/** A trained tokenizer: deterministic, serialisable, no dependencies. */
export interface Tokenizer {
  readonly kind: TokenizerKind
  /** Actual vocabulary size (ids are 0..vocabSize-1); at most the configured size. */
  readonly vocabSize: number
  /** id -> token string; ids 0..4 are the special tokens (a pretrained base's tokenizer has its own, see FramedTokenizer). */
  readonly vocab: string[]
  /** Lower-casing and normalisation applied before encoding. */
  readonly options: TextOptions
  encode(text: string): Encoding
  /** Text for ids; special tokens are dropped and [UNK] shows as U+FFFD. */
  decode(ids: number[]): string
  toJSON(): TokenizerJSON
}

/** Fields every serialised tokenizer has. */
interface TokenizerJSONBase {
  format: 'attention-workbench-tokenizer'
  version: 1
  lowercase: boolean
  normalize: TokenizerConfig['normalize']
  vocab: string[]
}

/** A character-level tokenizer on disk. */
export interface CharTokenizerJSON extends TokenizerJSONBase {
  kind: 'char'
}

/** A word-level tokenizer on disk. */
export interface WordTokenizerJSON extends TokenizerJSONBase {
  kind: 'word'
}

/** A byte-fallback BPE tokenizer on disk: merges in rank order as [left id, right id, merged id]. */
export interface SubwordTokenizerJSON extends TokenizerJSONBase {
  kind: 'subword'
  byteFallback: boolean
  /** Number of single-grapheme alphabet entries, which follow the specials (and bytes). */
  alphabetSize: number
  merges: [number, number, number][]
}

/** Any tokenizer as plain JSON (what ships inside an exported model). */
export type TokenizerJSON = CharTokenizerJSON | WordTokenizerJSON | SubwordTokenizerJSON | PretrainedTokenizerJSON

/** A tokenizer that frames a text with its own special tokens ([CLS] x [SEP], <s> x </s>) and pads with its own id. */
export interface FramedTokenizer extends Tokenizer {
  readonly special: { pad: number | null; eos: number | null }
  /** Ids with the special-token template, the text cut so the whole fits in maxTokens. */
  encodeFramed(text: string, maxTokens?: number): Encoding
}

/** Whether a tokenizer brings its own special-token template (pretrained bases' tokenizers do). */
export function isFramed(tok: Tokenizer): tok is FramedTokenizer {
  return typeof (tok as Partial<FramedTokenizer>).encodeFramed === 'function'
}
