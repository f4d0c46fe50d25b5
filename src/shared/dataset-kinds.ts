// What a dataset's rows are: texts, or table rows (cells by column). The one list of dataset kinds:
// the store, the contract, the import, the doctor, the runs and the UI all read it from here, so a
// new kind (images) is added once. Pure and tfjs-free.
import { guessTableColumns, type ColumnGuess } from './table-guess'

/** Every kind a dataset can be. */
export const datasetKinds = ['text', 'table'] as const
/** One dataset kind. */
export type DatasetKind = (typeof datasetKinds)[number]
/** What an import may ask for: a kind, or 'auto' (the guesser's suggestion). */
export const importKinds = [...datasetKinds, 'auto'] as const
/** One import kind. */
export type ImportKind = (typeof importKinds)[number]

/** True for a known dataset kind (stored values are checked on the way out). */
export function isDatasetKind(k: unknown): k is DatasetKind {
  return typeof k === 'string' && (datasetKinds as readonly string[]).includes(k)
}

/** The suggested kind of a file, and why, in one sentence. */
export interface KindSuggestion {
  kind: DatasetKind
  reason: string
  /** Which rule decided ('sentences', 'features' or 'few'), with its numbers, for the UI's translated reason. */
  why: { rule: 'sentences' | 'features' | 'few'; column?: string; features?: number; numeric?: number }
}

/** Counts the feature columns (numeric and categorical) among table guesses. */
export function featureColumns(guesses: ColumnGuess[]): ColumnGuess[] {
  return guesses.filter((g) => g.kind === 'numeric' || g.kind === 'categorical')
}

/**
 * Text or table, from the columns and first rows: a column of sentences makes the rows texts; columns of
 * numbers (or several categories) with no sentences make them table rows.
 */
export function suggestKind(columns: string[], rows: Record<string, string>[], guesses = guessTableColumns(columns, rows)): KindSuggestion {
  const text = guesses.find((g) => g.kind === 'text')
  if (text) return { kind: 'text', reason: `Column "${text.name}" holds sentences or many different phrases, so each row is a text to classify.`, why: { rule: 'sentences', column: text.name } }
  const features = featureColumns(guesses)
  const numeric = features.filter((g) => g.kind === 'numeric').length
  if (numeric >= 1 || features.length >= 2) {
    return {
      kind: 'table',
      reason: `No column holds sentences and ${features.length} column(s) hold numbers or categories (${numeric} numeric), so each row is a table row.`,
      why: { rule: 'features', features: features.length, numeric },
    }
  }
  return { kind: 'text', reason: 'No column holds numbers and at most one holds categories, so the rows are read as short texts.', why: { rule: 'few' } }
}
