// Turn a source record into a stored row under a column mapping; check the mapping first.
import { UserError } from '../../shared/api'
import type { SplitName } from '../../shared/domain'
import type { ColumnMapping, MappedRow, SourceRecord } from './types'

const splitAliases: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  trn: 'train',
  validation: 'validation',
  valid: 'validation',
  val: 'validation',
  dev: 'validation',
  development: 'validation',
  test: 'test',
  testing: 'test',
  tst: 'test',
  holdout: 'test',
}

/** A split cell as a split name; '' is null (unassigned); undefined means "not a split value". */
export function parseSplitValue(v: string): SplitName | null | undefined {
  const k = v.trim().toLowerCase()
  if (k === '') return null
  return splitAliases[k]
}

/** Throw if the mapping names a column the table does not have. */
export function checkMapping(mapping: ColumnMapping, columns: string[]): void {
  const missing = [...mapping.textColumns, mapping.labelColumn, mapping.splitColumn].filter((c): c is string => c !== null && !columns.includes(c))
  if (missing.length) {
    throw new UserError(`Column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} not found. The file's columns are: ${columns.join(', ')}.`)
  }
  if (mapping.textColumns.length === 0) throw new UserError('Choose at least one text column.')
  if (mapping.labelColumn !== null && mapping.textColumns.includes(mapping.labelColumn)) {
    throw new UserError(`"${mapping.labelColumn}" cannot be both a text column and the label column.`)
  }
}

/** Map one record. Several text columns are joined with a newline, empty parts skipped. */
export function mapRecord(rec: SourceRecord, mapping: ColumnMapping, shown: string): MappedRow {
  let text: string
  if (mapping.textColumns.length === 1) text = rec.values[mapping.textColumns[0]] ?? ''
  else text = mapping.textColumns.map((c) => rec.values[c] ?? '').filter((t) => t.trim() !== '').join('\n')
  const rawLabel = mapping.labelColumn === null ? '' : (rec.values[mapping.labelColumn] ?? '')
  const label = rawLabel.trim() === '' ? null : rawLabel
  return { text, label, split: recordSplit(rec, mapping.splitColumn, shown) }
}

/** The split a record's split column names (null without one); a value that is no split is refused naming the line. */
export function recordSplit(rec: SourceRecord, splitColumn: string | null, shown: string): SplitName | null {
  if (splitColumn === null) return null
  const v = rec.values[splitColumn] ?? ''
  const s = parseSplitValue(v)
  if (s === undefined) throw new UserError(`"${shown}" line ${rec.line}: split value "${v.slice(0, 40)}" in column "${splitColumn}" is not train, validation or test.`)
  return s
}
