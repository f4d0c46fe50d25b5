// Importing a file as a table: which kind the import becomes (the caller's choice, or the guesser's
// suggestion), the role of every column (the guesser's, overruled where the user chose), each record as a
// stored row with its raw cells, and the refusals a table import makes in a sentence.
import { UserError } from '../../shared/api'
import { featureColumns, suggestKind, type DatasetKind, type ImportKind } from '../../shared/dataset-kinds'
import { guessTableColumns, isMissing, type ColumnGuess, type TableColumnKind } from '../../shared/table-guess'
import { guessColumns } from '../data/column-guess'
import { recordSplit } from '../data/row-mapping'
import type { MappedRow, SourceRecord } from '../data/types'

/** Most classes a table's label may have: more looks like a measurement or an identifier, not classes. */
export const maxTableClasses = 200

/** What the import reads from a table: every column's role, the label and the split column. */
export interface TablePlan {
  columns: ColumnGuess[]
  labelColumn: string
  splitColumn: string | null
}

/** The options a table import reads. */
export interface TableOptions {
  kind?: ImportKind
  textColumns?: string[]
  labelColumn?: string | null
  splitColumn?: string | null
  columnRoles?: Record<string, TableColumnKind>
}

/** The kind this import becomes: as asked, else text (the contract's default), 'auto' the suggestion. */
export function chooseKind(options: TableOptions | undefined, columns: string[], sample: Record<string, string>[]): DatasetKind {
  const asked = options?.kind ?? 'text'
  if (asked !== 'auto') return asked
  if (options?.textColumns?.length) return 'text'
  // The split column (asked for or guessed) says where a row goes, not what it is: it never makes a file a table.
  const split = options?.splitColumn !== undefined ? options.splitColumn : guessColumns(columns, sample).splitColumn
  return suggestKind(columns, sample, undefined, [split]).kind
}

/** Roles of the columns: the guesser's, with the user's choices (label, split, roles) applied; refused when nothing can be learned. */
export function planTable(options: TableOptions | undefined, columns: string[], sample: Record<string, string>[]): TablePlan {
  const roles = options?.columnRoles ?? {}
  const unknown = Object.keys(roles).filter((c) => !columns.includes(c))
  if (unknown.length) throw new UserError(`Column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')} not found. The file's columns are: ${columns.join(', ')}.`)
  const labels = Object.keys(roles).filter((c) => roles[c] === 'label')
  if (labels.length > 1) throw new UserError(`Only one column can be the label; you marked ${labels.map((c) => `"${c}"`).join(' and ')}.`)
  const askedLabel = labels[0] ?? options?.labelColumn ?? undefined
  if (askedLabel !== undefined && !columns.includes(askedLabel)) throw new UserError(`Column "${askedLabel}" not found. The file's columns are: ${columns.join(', ')}.`)
  const guesses = guessTableColumns(columns, sample, askedLabel)
  const splitColumn = options?.splitColumn !== undefined ? options.splitColumn : guessColumns(columns, sample).splitColumn
  for (const g of guesses) {
    const role = roles[g.name]
    if (role && role !== 'label' && g.kind !== 'label') {
      if (role !== g.kind) {
        g.reason = `You chose it as ${role}.`
        g.why = { code: 'userChose', params: { role } }
      }
      g.kind = role
    } else if (g.name === splitColumn && g.kind !== 'label') {
      g.kind = 'id'
      g.reason = 'It says which split (train, validation, test) each row belongs to; it is left out.'
      g.why = { code: 'split' }
    }
  }
  const label = guesses.find((g) => g.kind === 'label')
  if (!label) throw new UserError('The table has no label column: choose which column to predict.')
  if (label.name === splitColumn) throw new UserError(`"${label.name}" cannot be both the label and the split column.`)
  if (featureColumns(guesses).length === 0) {
    throw new UserError('The table has no column to learn from: every column is an identifier, text or the label. Mark at least one column as numeric or categorical.')
  }
  return { columns: guesses, labelColumn: label.name, splitColumn }
}

/** A table row as the store's readable text: the feature cells as "name: value", comma-separated. */
export function tableRowText(columns: ColumnGuess[], cells: Record<string, string>): string {
  return featureColumns(columns).map((c) => `${c.name}: ${(cells[c.name] ?? '').trim()}`).join(', ')
}

/** Maps one record of a table: its cells as they are, the label's cell (missing markers are no label), its split. */
export function mapTableRecord(rec: SourceRecord, plan: TablePlan, shown: string): MappedRow & { cells: Record<string, string> } {
  const cells: Record<string, string> = Object.create(null)
  for (const c of plan.columns) cells[c.name] = rec.values[c.name] ?? ''
  const raw = cells[plan.labelColumn]
  const label = isMissing(raw) ? null : raw.trim()
  const split = recordSplit(rec, plan.splitColumn, shown)
  return { text: tableRowText(plan.columns, cells), label, split, cells }
}

/** Refuses a table whose label cannot be learned: fewer than two classes, or so many it is not a class. */
export function checkTableLabels(plan: TablePlan, labels: string[]): void {
  const name = plan.labelColumn
  if (labels.length === 0) throw new UserError(`The label column "${name}" is empty in every row: choose the column to predict.`)
  if (labels.length === 1) throw new UserError(`The label column "${name}" has only one value ("${labels[0]!.slice(0, 40)}"): a classifier needs at least two classes.`)
  if (labels.length > maxTableClasses) {
    throw new UserError(
      `The label column "${name}" has ${labels.length} different values, more than ${maxTableClasses}: that looks like a measurement or an identifier, not classes. Choose a column with a few values to predict.`,
    )
  }
}

/** New column roles for a stored table (some columns changed by the user); refused when nothing could be learned. */
export function retypeColumns(columns: ColumnGuess[], roles: Record<string, TableColumnKind>): TablePlan {
  const names = columns.map((c) => c.name)
  const unknown = Object.keys(roles).filter((c) => !names.includes(c))
  if (unknown.length) throw new UserError(`Column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')} not found. The table's columns are: ${names.join(', ')}.`)
  const labels = Object.keys(roles).filter((c) => roles[c] === 'label')
  if (labels.length > 1) throw new UserError(`Only one column can be the label; you marked ${labels.map((c) => `"${c}"`).join(' and ')}.`)
  const next = columns.map((c) => {
    const role = roles[c.name]
    if (role && role !== c.kind) return { ...c, kind: role, reason: `You chose it as ${role}.`, why: { code: 'userChose' as const, params: { role } } }
    if (labels.length && c.kind === 'label' && c.name !== labels[0]) return { ...c, kind: 'id' as const, reason: 'It was the label; mark it numeric or categorical to learn from it.', why: { code: 'wasLabel' as const } }
    return { ...c }
  })
  const label = next.find((c) => c.kind === 'label')
  if (!label) throw new UserError('The table has no label column: choose which column to predict.')
  if (featureColumns(next).length === 0) {
    throw new UserError('The table has no column to learn from: every column is an identifier, text or the label. Mark at least one column as numeric or categorical.')
  }
  return { columns: next, labelColumn: label.name, splitColumn: null }
}

/** A stored table row under new roles: its label from the label's cell, its text from the feature cells. */
export function relabelRow<R extends { text: string; label: string | null; cells?: Record<string, string> }>(row: R, plan: TablePlan): R {
  const cells = row.cells ?? {}
  const raw = cells[plan.labelColumn]
  return { ...row, text: tableRowText(plan.columns, cells), label: isMissing(raw) ? null : raw!.trim() }
}
