// The dataset doctor's checks that only a table has: missing cells per column, words in a numeric column,
// identifier-like and constant columns. Label problems (one class, tiny classes, imbalance), duplicates,
// conflicting labels and leakage come from the doctor shared with texts, run on the rows' feature text.
import { isMissing, parseNumber, type ColumnGuess } from '../../shared/table-guess'
import type { DraftFinding } from './doctor'

/** Findings of the text doctor that mean nothing for a table row (its text is the feature cells written out). */
export const textOnlyFindings = new Set(['empty-texts', 'too-long', 'near-duplicates'])

const maxExamples = 5
/** Share of distinct values from which a categorical feature looks like an identifier. */
const idLikeShare = 0.9

const pct = (n: number, total: number) => `${total ? ((100 * n) / total).toFixed(1) : '0'}%`
const list = (items: string[]) => items.slice(0, 8).join(', ') + (items.length > 8 ? ` and ${items.length - 8} more` : '')

interface ColumnTally {
  missing: number
  missingAt: number[]
  junk: number
  junkAt: number[]
  junkValues: string[]
  values: Set<string>
}

/** Collects per-column facts row by row (positions in scan order, as the shared doctor counts them). */
export class TableFacts {
  private readonly tallies: ColumnTally[]
  private n = 0

  constructor(private readonly columns: ColumnGuess[]) {
    this.tallies = columns.map(() => ({ missing: 0, missingAt: [], junk: 0, junkAt: [], junkValues: [], values: new Set<string>() }))
  }

  /** One stored row's cells. */
  add(cells: Record<string, string> | undefined): void {
    const p = this.n++
    this.columns.forEach((c, j) => {
      const t = this.tallies[j]!
      const cell = cells?.[c.name]
      if (isMissing(cell)) {
        t.missing++
        if (t.missingAt.length < maxExamples) t.missingAt.push(p)
        return
      }
      const v = cell!.trim()
      if (t.values.size <= 10_000) t.values.add(v)
      if (c.kind === 'numeric' && parseNumber(v) === null) {
        t.junk++
        if (t.junkAt.length < maxExamples) t.junkAt.push(p)
        if (t.junkValues.length < 3 && !t.junkValues.includes(v)) t.junkValues.push(v.slice(0, 30))
      }
    })
  }

  /** The table's findings, examples as row positions. */
  finish(): DraftFinding[] {
    const out: DraftFinding[] = []
    const n = this.n
    const features = this.columns.map((c, j) => ({ c, t: this.tallies[j]! })).filter(({ c }) => c.kind === 'numeric' || c.kind === 'categorical')

    const missing = features.filter(({ t }) => t.missing > 0).sort((a, b) => b.t.missing - a.t.missing)
    if (missing.length) {
      const columns = list(missing.map(({ c, t }) => `"${c.name}" ${t.missing} (${pct(t.missing, n)})`))
      const mostlyEmpty = missing.filter(({ t }) => t.missing > n / 2).map(({ c }) => `"${c.name}"`)
      out.push({
        id: 'table-missing-values',
        severity: 'warning',
        title: 'Missing values',
        detail: `Some cells are empty or a missing marker (NA, ?, ...): ${columns}. The model learns a value of its own for "missing", so these rows still train${mostlyEmpty.length ? `; ${list(mostlyEmpty)} ${mostlyEmpty.length === 1 ? 'is' : 'are'} mostly empty and teach little` : ''}.`,
        count: missing.reduce((s, { t }) => s + t.missing, 0),
        examples: [...new Set(missing.flatMap(({ t }) => t.missingAt))].slice(0, maxExamples),
        params: { columns, n: missing.length },
        fixes: [],
      })
    }

    const junk = features.filter(({ c, t }) => c.kind === 'numeric' && t.junk > 0)
    if (junk.length) {
      const columns = list(junk.map(({ c, t }) => `"${c.name}" ${t.junk} (e.g. ${t.junkValues.map((v) => `"${v}"`).join(', ')})`))
      out.push({
        id: 'table-not-numbers',
        severity: 'warning',
        title: 'Words in numeric columns',
        detail: `Numeric columns hold cells that are not numbers: ${columns}. They are read as missing; correct them in the file, or make the column categorical if the words matter.`,
        count: junk.reduce((s, { t }) => s + t.junk, 0),
        examples: [...new Set(junk.flatMap(({ t }) => t.junkAt))].slice(0, maxExamples),
        params: { columns, n: junk.length },
        fixes: [],
      })
    }

    const constant = features.filter(({ t }) => t.values.size <= 1)
    if (constant.length) {
      const columns = list(constant.map(({ c }) => `"${c.name}"`))
      out.push({
        id: 'table-constant-columns',
        severity: constant.length === features.length ? 'blocking' : 'warning',
        title: 'Columns with one value',
        detail: `${columns} ${constant.length === 1 ? 'has' : 'have'} the same value in every row, so ${constant.length === 1 ? 'it tells' : 'they tell'} the classes nothing. Mark ${constant.length === 1 ? 'it' : 'them'} as an identifier to leave ${constant.length === 1 ? 'it' : 'them'} out.`,
        count: constant.length,
        examples: [],
        params: { columns, n: constant.length },
        fixes: [],
      })
    }

    const idLike = features.filter(({ c, t }) => c.kind === 'categorical' && n >= 20 && t.values.size >= idLikeShare * (n - t.missing))
    const leftOut = this.columns.filter((c) => c.kind === 'id' || c.kind === 'text')
    if (idLike.length || leftOut.length) {
      const columns = list(idLike.map(({ c }) => `"${c.name}"`))
      const ignored = list(leftOut.map((c) => `"${c.name}"`))
      out.push({
        id: 'table-id-columns',
        severity: idLike.length ? 'warning' : 'info',
        title: 'Identifier-like columns',
        detail: idLike.length
          ? `${columns} ${idLike.length === 1 ? 'is a category with a different value in almost every row, like an identifier' : 'are categories with a different value in almost every row, like identifiers'}: the model can only memorise them. Mark ${idLike.length === 1 ? 'it' : 'them'} as an identifier to leave ${idLike.length === 1 ? 'it' : 'them'} out.${leftOut.length ? ` Left out already: ${ignored}.` : ''}`
          : `Left out of training as identifiers or free text: ${ignored}. Change a column's role if it should count.`,
        count: idLike.length + leftOut.length,
        examples: [],
        params: { columns, ignored, n: idLike.length, ...(idLike.length ? {} : { variant: 'ignored' }) },
        fixes: [],
      })
    }
    return out
  }
}
