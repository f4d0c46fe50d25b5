// Guess which columns hold the text, the label and the split, from names first and content second.
import type { ColumnMapping } from './types'
import { parseSplitValue } from './row-mapping'

const textNames = /^(text|texts|sentence|sentence1|sentence2|review|review_?text|content|body|message|comment|title|headline|description|document|doc|tweet|question|utterance|query|prompt|abstract|summary|post|article)s?$/i
const labelNames = /^(label|labels|class|class_?name|category|categories|target|sentiment|tag|intent|topic|y|gold|gold_?label|stars|rating)$/i
const splitNames = /^(split|set|subset|fold|partition|dataset|data_?split)$/i
const idNames = /^(id|idx|index|key|uuid|row|row_?id|_id)$/i

interface ColumnFacts {
  name: string
  filled: number
  distinct: number
  avgLength: number
  numericShare: number
  splitLike: boolean
}

function facts(name: string, rows: Record<string, string>[]): ColumnFacts {
  const values = rows.map((r) => r[name] ?? '').filter((v) => v.trim() !== '')
  const distinct = new Set(values)
  const avgLength = values.length ? values.reduce((s, v) => s + v.length, 0) / values.length : 0
  const numericShare = values.length ? values.filter((v) => /^\s*[-+]?\d+(\.\d+)?\s*$/.test(v)).length / values.length : 0
  const splitLike = values.length > 0 && [...distinct].every((v) => parseSplitValue(v) !== undefined && v.trim() !== '')
  return { name, filled: values.length, distinct: distinct.size, avgLength, numericShare, splitLike }
}

/** The best guess of text, label and split columns for a table's columns and first rows. */
export function guessColumns(columns: string[], rows: Record<string, string>[]): ColumnMapping {
  const all = columns.map((c) => facts(c, rows))
  const norm = (s: string) => s.trim().replace(/[\s-]+/g, '_')
  const splitColumn = all.find((f) => splitNames.test(norm(f.name)) && f.splitLike)?.name ?? all.find((f) => f.splitLike && f.distinct >= 2)?.name ?? null
  const rest = all.filter((f) => f.name !== splitColumn && !idNames.test(norm(f.name)))

  let labelColumn = rest.find((f) => labelNames.test(norm(f.name)))?.name ?? null
  const namedText = rest.filter((f) => f.name !== labelColumn && textNames.test(norm(f.name)))
  let textColumns = namedText.map((f) => f.name)
  if (textColumns.length === 0) {
    // The longest non-numeric column is the text.
    const candidates = rest.filter((f) => f.name !== labelColumn && f.numericShare < 0.5 && f.filled > 0)
    const longest = candidates.sort((a, b) => b.avgLength - a.avgLength)[0]
    if (longest) textColumns = [longest.name]
  }
  if (labelColumn === null) {
    // A label column repeats a few short values.
    const candidates = rest.filter((f) => !textColumns.includes(f.name) && f.filled > 0 && f.distinct >= 2 && f.avgLength <= 40)
    const scored = candidates
      .map((f) => ({ f, ratio: f.distinct / f.filled }))
      .filter(({ f, ratio }) => ratio <= 0.5 || f.distinct <= 20)
      .sort((a, b) => a.ratio - b.ratio)
    labelColumn = scored[0]?.f.name ?? null
  }
  if (textColumns.length === 0 && columns.length > 0) textColumns = [columns.find((c) => c !== labelColumn && c !== splitColumn) ?? columns[0]]
  return { textColumns, labelColumn, splitColumn }
}
