// Tokens as a reader should see them: special markers named in words, pieces without the
// tokenizer's "##" marks, and a piece the model does not know ([UNK]) shown as the user's own text
// from the input, marked "unknown to the model".

/** A token ready to show. */
export interface ShownToken {
  /** What to print. */
  text: string
  kind: 'normal' | 'special' | 'unknown'
  /** The tokenizer's own token ([CLS], ##ing), for tooltips. */
  raw: string
}

const special = /^\[(PAD|CLS|SEP|MASK|BOS|EOS)\]$/
const unknown = /^\[UNK\]$/

/** Whether a token is a marker the tokenizer adds ([CLS], [PAD]…), not a piece of the text. */
export const isSpecial = (tok: string) => special.test(tok)

/**
 * Aligns tokens with the text they came from (case-insensitively, in order) so each [UNK] can show
 * the characters it replaced. Where alignment fails the [UNK] shows as "?", still marked unknown.
 */
export function shownTokens(tokens: string[], text: string): ShownToken[] {
  const hay = text.toLowerCase()
  let cursor = 0
  const out: ShownToken[] = tokens.map((raw) => ({ raw, text: raw, kind: special.test(raw) ? 'special' : unknown.test(raw) ? 'unknown' : 'normal' }))
  // Where each normal token starts and ends in the text (-1: not found).
  const spans = out.map((t) => {
    if (t.kind !== 'normal') return null
    const piece = t.raw.replace(/^##/, '').replace(/^[▁Ġ]/, '').toLowerCase()
    t.text = t.raw.replace(/^##/, '').replace(/^[▁Ġ]/, '')
    if (!piece) return null
    const at = hay.indexOf(piece, cursor)
    if (at < 0) return null
    cursor = at + piece.length
    return [at, cursor] as const
  })
  for (let i = 0; i < out.length; i++) {
    if (out[i].kind !== 'unknown') continue
    // The text between the previous and the next aligned piece is what this run of [UNK]s replaced.
    let prev = i - 1
    while (prev >= 0 && !spans[prev]) prev--
    let next = i + 1
    while (next < out.length && !spans[next] && out[next].kind === 'unknown') next++
    const from = prev >= 0 ? spans[prev]![1] : 0
    const to = next < out.length && spans[next] ? spans[next]![0] : next >= out.length ? text.length : -1
    const gap = to >= from ? text.slice(from, to).trim() : ''
    const run = out.slice(i, next).filter((t) => t.kind === 'unknown').length
    if (gap && run === 1) out[i].text = gap
    else if (gap && run > 1) {
      // Several unknown pieces in a row: split the gap at spaces when the counts agree.
      const parts = gap.split(/\s+/)
      for (let k = 0; k < run; k++) out[i + k].text = parts.length === run ? parts[k] : k === 0 ? gap : ''
      i += run - 1
    } else out[i].text = '?'
  }
  return out
}
