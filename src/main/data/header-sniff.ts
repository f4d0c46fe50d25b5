// Decide whether a table's first row is a header, and turn header cells into unique column names.

const knownNames = /^(text|texts|sentence|sentences|review|content|body|message|comment|title|description|document|tweet|question|answer|label|labels|class|category|target|sentiment|tag|intent|topic|y|split|set|subset|fold|id|name|date|score|rating|summary|headline|abstract|utterance|query|prompt|context)s?$/i

const isNumeric = (s: string) => /^\s*[-+]?(\d+([.,]\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(s)

/**
 * True when `first` reads as column names rather than data, judged against the rows that follow:
 * known column names, a name above numbers, or a short name above long texts.
 */
export function looksLikeHeader(first: string[], rest: string[][]): boolean {
  const cells = first.map((c) => c.trim())
  if (cells.some((c) => knownNames.test(c.replace(/[\s_-]+/g, '')) || knownNames.test(c))) return true
  if (cells.some((c) => c === '' || isNumeric(c))) return false
  if (rest.length === 0) return true
  let evidence = 0
  for (let col = 0; col < cells.length; col++) {
    const values = rest.map((r) => r[col] ?? '').filter((v) => v.trim() !== '')
    if (values.length === 0) continue
    const numericShare = values.filter(isNumeric).length / values.length
    if (numericShare > 0.8) evidence += 2
    const lengths = values.map((v) => v.length).sort((a, b) => a - b)
    const median = lengths[Math.floor(lengths.length / 2)]
    if (median >= 20 && cells[col].length * 3 < median) evidence += 1
    // A data value usually repeats in a low-cardinality column; a header never reappears.
    const distinct = new Set(values)
    if (distinct.size <= Math.max(2, values.length / 3) && !distinct.has(first[col])) evidence += 1
    if (distinct.has(first[col])) evidence -= 2
  }
  return evidence > 0
}

/** Unique, non-empty column names from header cells ("column3" for blanks, "text_2" for repeats). */
export function headerColumns(cells: string[]): string[] {
  const seen = new Map<string, number>()
  return cells.map((raw, i) => {
    const base = raw.trim() || `column${i + 1}`
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}_${n}`
  })
}

/** Generic names for a table without a header. */
export function numberedColumns(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `column${i + 1}`)
}

/** Column names for a message, cut short when there are many or they are long. */
export function shortList(columns: string[], maxChars = 120): string {
  const all = columns.join(', ')
  return all.length <= maxChars ? all : `${all.slice(0, maxChars)}…`
}
