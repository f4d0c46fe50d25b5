// From table rows to the table encoder's inputs. Fitted on the training split only (medians, spreads,
// category lists, labels), saved with the model as plain data, and applied unchanged to every later row.
//
//   numeric cell x     -> id 0, value clip((x - median) / IQR, ±clip)      (missing -> id 1, value 0)
//   categorical cell v -> id 2 + index of v among the training values     (missing -> 0, unseen -> 1 "other")
//
// Robust scaling (median and interquartile range) keeps one extreme value from squashing the rest.
import type { ColumnGuess } from './table-guess'
import { isMissing, parseNumber } from './table-guess'
import type { TableColumns } from './models'

/** How one numeric column is scaled. */
export interface NumericScale {
  name: string
  median: number
  /** Interquartile range (or the standard deviation, or 1, when that is 0). */
  scale: number
}

/** Everything fitted on the training split: plain data, saved with the model. */
export interface TablePrep {
  numeric: NumericScale[]
  categorical: { name: string; values: string[] }[]
  label: string
  labels: string[]
}

/** Scaled values are clipped to ±clip so one wild cell cannot dominate a token. */
export const clip = 10
/** Most values a categorical column keeps (the most frequent); the rest share "other". */
export const maxValues = 100

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo)
}

/** Fits scaling, category lists and labels on training rows, for the columns the guesses keep. */
export function fitTablePrep(guesses: ColumnGuess[], train: Record<string, string>[]): TablePrep {
  const label = guesses.find((g) => g.kind === 'label')
  if (!label) throw new Error('The table has no label column: choose which column to predict.')
  const numeric: NumericScale[] = []
  const categorical: TablePrep['categorical'] = []
  for (const g of guesses) {
    if (g.kind === 'numeric') {
      const xs = train.map((r) => parseNumber(r[g.name])).filter((n): n is number => n !== null).sort((a, b) => a - b)
      if (xs.length === 0) {
        numeric.push({ name: g.name, median: 0, scale: 1 })
        continue
      }
      const median = quantile(xs, 0.5)
      const iqr = quantile(xs, 0.75) - quantile(xs, 0.25)
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
      numeric.push({ name: g.name, median, scale: iqr > 0 ? iqr : std > 0 ? std : 1 })
    } else if (g.kind === 'categorical') {
      const counts = new Map<string, number>()
      for (const r of train) if (!isMissing(r[g.name])) counts.set(r[g.name]!.trim(), (counts.get(r[g.name]!.trim()) ?? 0) + 1)
      // Most frequent first, ties by name, so the same rows always give the same ids.
      const values = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxValues).map(([v]) => v)
      categorical.push({ name: g.name, values })
    }
  }
  if (numeric.length + categorical.length === 0) throw new Error('The table has no numeric or categorical column to learn from.')
  const labels = [...new Set(train.filter((r) => !isMissing(r[label.name])).map((r) => r[label.name]!.trim()))].sort()
  if (labels.length < 2) throw new Error(`The label column "${label.name}" needs at least two different values in the training rows.`)
  return { numeric, categorical, label: label.name, labels }
}

/** The columns of the model a prep feeds (token order: numeric, then categorical). */
export function tableColumnsOf(prep: TablePrep): TableColumns {
  return { numeric: prep.numeric.map((c) => c.name), categorical: prep.categorical.map((c) => ({ name: c.name, size: c.values.length })) }
}

/** Encoded rows: ids int32 and values float32 row-major [N, F]; labels index prep.labels (-1: missing or unknown). */
export interface EncodedTable {
  ids: Int32Array
  values: Float32Array
  labels: number[]
  /** Columns per row (F). */
  width: number
}

/** Encodes rows with a fitted prep (unseen categories -> "other", missing cells -> their own ids). */
export function encodeTableRows(prep: TablePrep, rows: Record<string, string>[]): EncodedTable {
  const F = prep.numeric.length + prep.categorical.length
  const ids = new Int32Array(rows.length * F)
  const values = new Float32Array(rows.length * F)
  const index = prep.categorical.map((c) => new Map(c.values.map((v, i) => [v, i + 2])))
  const labelIndex = new Map(prep.labels.map((l, i) => [l, i]))
  const labels: number[] = []
  rows.forEach((row, r) => {
    prep.numeric.forEach((c, j) => {
      const x = parseNumber(row[c.name])
      if (x === null) ids[r * F + j] = 1
      else values[r * F + j] = Math.max(-clip, Math.min(clip, (x - c.median) / c.scale))
    })
    prep.categorical.forEach((c, j) => {
      const cell = row[c.name]
      ids[r * F + prep.numeric.length + j] = isMissing(cell) ? 0 : (index[j]!.get(cell!.trim()) ?? 1)
    })
    const l = row[prep.label]
    labels.push(isMissing(l) ? -1 : (labelIndex.get(l!.trim()) ?? -1))
  })
  return { ids, values, labels, width: F }
}
