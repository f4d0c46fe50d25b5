// Tokenizers of pretrained bases: WordPiece (BERT), byte-level BPE (GPT-2, RoBERTa) and Unigram
// (XLM-R / sentencepiece), read from a checkpoint's files and reproduced exactly.
export { PretrainedTokenizer } from './pretrained-tokenizer'
export { tokenizerFromFiles, type TokenizerFiles } from './from-files'
export type { PretrainedTokenizerJSON, SpecialIds, AddedToken } from './types'
