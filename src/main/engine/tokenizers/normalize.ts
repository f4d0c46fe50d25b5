// Text preparation applied before any tokenizer sees a string. The "normalised text" is what a
// lossless tokenizer gives back from decode(encode(text)).
import type { TextOptions } from './types'

/** Replace lone UTF-16 surrogates with U+FFFD so segmentation and UTF-8 byte fallback never fail. */
export function toWellFormed(text: string): string {
  // Fast path: most texts have no surrogates at all.
  if (!/[\uD800-\uDFFF]/.test(text)) return text
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

/** Apply the tokenizer's normalisation and lower-casing to a text. */
export function normalizeText(text: string, opts: TextOptions): string {
  let out = toWellFormed(String(text ?? ''))
  if (opts.normalize !== 'none') out = out.normalize(opts.normalize)
  if (opts.lowercase) {
    const lower = out.toLowerCase()
    // Lower-casing can leave a string un-normalised (e.g. 'İ' -> 'i' + U+0307); normalise again.
    out = lower !== out && opts.normalize !== 'none' ? lower.normalize(opts.normalize) : lower
  }
  return out
}
