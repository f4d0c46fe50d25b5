// Guessing what each column of a table is, with the reason in a sentence: a numeric measurement, a
// category, an identifier (to leave out), the label to predict, or free text. Pure and tfjs-free, so the
// import, the doctor and the forms can all ask it; the user may overrule any guess.

/** What a column holds. */
export const tableColumnKinds = ['numeric', 'categorical', 'id', 'label', 'text'] as const
/** One column kind. */
export type TableColumnKind = (typeof tableColumnKinds)[number]

/** Which rule made a guess: the UI words the reason from it in its own language. */
export type ColumnWhyCode =
  | 'empty' | 'idName' | 'counting' | 'numeric' | 'mostlyNumeric' | 'sentences' | 'allUnique' | 'tooMany' | 'categorical'
  | 'labelChosen' | 'labelNamed' | 'labelLast' | 'userChose' | 'split' | 'wasLabel'

/** The guess for one column. */
export interface ColumnGuess {
  name: string
  kind: TableColumnKind
  /** Why, in one sentence a user can check (English; `why` lets the UI translate it). */
  reason: string
  /** The rule behind `reason` and its numbers. */
  why?: { code: ColumnWhyCode; params?: Record<string, string | number> }
  /** Cells that are empty or a missing-value marker (NA, ?, ...). */
  missing: number
  /** Distinct present values. */
  distinct: number
}

const missingMarkers = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '-', '--'])
const labelNames = /^(label|labels|class|target|y|outcome|species|category|diagnosis)$/i
const idNames = /(^id$|^id[_\s-]|[_\s-]id$|^uuid$|^key$|^index$|^row$)/i

/** True when a cell counts as missing. */
export function isMissing(cell: string | undefined | null): boolean {
  return cell === undefined || cell === null || missingMarkers.has(cell.trim().toLowerCase())
}

/** A cell as a finite number, or null (missing markers and words are null). */
export function parseNumber(cell: string | undefined | null): number | null {
  if (isMissing(cell)) return null
  const n = Number(cell!.trim())
  return Number.isFinite(n) ? n : null
}

/** Most distinct values a non-numeric column may have and still be a category (beyond this it is text or an id). */
export const maxCategories = 100

/**
 * Guesses every column of `rows` (one object per row, column name -> cell). `label` names the label column
 * when the user chose it; otherwise a column named like a label, else the last categorical column.
 */
export function guessTableColumns(columns: string[], rows: Record<string, string>[], label?: string): ColumnGuess[] {
  if (label !== undefined && !columns.includes(label)) throw new Error(`The table has no column named "${label}".`)
  const guesses = columns.map((name) => guessOne(name, rows.map((r) => r[name])))
  const chosen = label ?? columns.find((c) => labelNames.test(c.trim())) ?? [...guesses].reverse().find((g) => g.kind === 'categorical')?.name
  for (const g of guesses) {
    if (g.name !== chosen) continue
    g.kind = 'label'
    if (label !== undefined) {
      g.reason = 'You chose it as the label.'
      g.why = { code: 'labelChosen' }
    } else if (labelNames.test(g.name.trim())) {
      g.reason = `Its name, "${g.name}", is a usual name for the label to predict.`
      g.why = { code: 'labelNamed', params: { name: g.name } }
    } else {
      g.reason = `No column is named like a label; this is the last column with few distinct values (${g.distinct}).`
      g.why = { code: 'labelLast', params: { distinct: g.distinct } }
    }
  }
  return guesses
}

function guessOne(name: string, cells: (string | undefined)[]): ColumnGuess {
  const present = cells.filter((c): c is string => !isMissing(c)).map((c) => c.trim())
  const missing = cells.length - present.length
  const distinct = new Set(present).size
  const base = { name, missing, distinct }
  if (present.length === 0) return { ...base, kind: 'id', reason: 'Every cell is empty, so it cannot help; it is left out.', why: { code: 'empty' } }
  const numbers = present.map((c) => parseNumber(c))
  const numeric = numbers.filter((n) => n !== null).length
  const allUnique = distinct === present.length && present.length > 1
  if (idNames.test(name.trim()) && allUnique) return { ...base, kind: 'id', reason: `Its name looks like an identifier and every value is different (${distinct}); it is left out.`, why: { code: 'idName', params: { distinct } } }
  if (numeric === present.length) {
    const ints = numbers as number[]
    const counting = allUnique && ints.every((n, i) => Number.isInteger(n) && (i === 0 || n === ints[i - 1]! + 1))
    if (counting && present.length >= 10) return { ...base, kind: 'id', reason: 'It counts up by one on every row, like a row number; it is left out.', why: { code: 'counting' } }
    return { ...base, kind: 'numeric', reason: `Every present value is a number (${distinct} different ones), so its size matters.`, why: { code: 'numeric', params: { distinct } } }
  }
  if (numeric >= 0.95 * present.length && present.length >= 20) {
    const percent = Math.round((100 * numeric) / present.length)
    return { ...base, kind: 'numeric', reason: `${percent}% of the values are numbers; the few others are read as missing.`, why: { code: 'mostlyNumeric', params: { percent } } }
  }
  const meanWords = present.reduce((n, c) => n + c.split(/\s+/).length, 0) / present.length
  if (meanWords >= 4 && distinct > 0.5 * present.length) {
    const words = meanWords.toFixed(1)
    return { ...base, kind: 'text', reason: `Its values are sentences (${words} words on average), mostly different from each other.`, why: { code: 'sentences', params: { words } } }
  }
  if (allUnique && present.length >= 10) return { ...base, kind: 'id', reason: `Every value is different (${distinct}), like an identifier, so it cannot generalise; it is left out.`, why: { code: 'allUnique', params: { distinct } } }
  if (distinct > maxCategories) return { ...base, kind: 'text', reason: `It has ${distinct} different words or phrases, too many to learn one vector each; it is treated as text.`, why: { code: 'tooMany', params: { distinct } } }
  return { ...base, kind: 'categorical', reason: `It takes ${distinct} different non-numeric value(s), so each value is a category.`, why: { code: 'categorical', params: { distinct } } }
}
