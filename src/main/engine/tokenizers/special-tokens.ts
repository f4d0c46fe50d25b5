// Special tokens and their fixed ids. Every tokenizer reserves ids 0..4 for them so models,
// batching and exported bundles can rely on the numbers without reading the vocabulary.

/** Padding: fills a batch row after the text ends; its attention mask is 0. */
export const PAD_ID = 0
/** Unknown: a piece of text the vocabulary cannot represent. */
export const UNK_ID = 1
/** Classification token: prepended to a text when the model pools on it. */
export const CLS_ID = 2
/** Separator: ends a segment (reserved for pair inputs and language-model documents). */
export const SEP_ID = 3
/** Mask: hides a token for masked-language-model style objectives. */
export const MASK_ID = 4

/** The special tokens in id order: SPECIAL_TOKENS[PAD_ID] === '[PAD]'. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const

/** How many ids the special tokens occupy; learned tokens start here. */
export const NUM_SPECIAL = SPECIAL_TOKENS.length
