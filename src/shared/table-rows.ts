// A table row as it travels as one string (a run's job data, a prediction request, a stored prediction):
// the JSON of its feature cells, column -> raw string. Tfjs-free; both ends read it here.
import type { ColumnGuess } from './table-guess'

/** The feature cells (numeric and categorical columns) of a row as JSON, in column order. */
export function tableRowJson(columns: ColumnGuess[], cells: Record<string, string>): string {
  const out: Record<string, string> = Object.create(null)
  for (const c of columns) if (c.kind === 'numeric' || c.kind === 'categorical') out[c.name] = cells[c.name] ?? ''
  return JSON.stringify(out)
}

/** A row's cells from its JSON (numbers and booleans become strings); null when it is not a JSON object. */
export function parseTableRow(text: string): Record<string, string> | null {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null
  const out: Record<string, string> = Object.create(null)
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = x === null || x === undefined ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x as string | number | boolean)
  return out
}
