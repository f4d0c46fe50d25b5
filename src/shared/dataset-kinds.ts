// What a dataset's rows are: texts, table rows (cells by column) or images (a path and its facts per row). The one list of dataset kinds:
// the store, the contract, the import, the doctor, the runs and the UI all read it from here, so a
// new kind (images) is added once. Pure and tfjs-free.
import { guessTableColumns, type ColumnGuess } from './table-guess'

/** Every kind a dataset can be. */
export const datasetKinds = ['text', 'table', 'image'] as const
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
  why: { rule: 'sentences' | 'features' | 'few' | 'images'; column?: string; features?: number; numeric?: number }
}

/** File name endings of the images a dataset may hold. */
export const imageFileEndings = ['.png', '.jpg', '.jpeg', '.webp', '.gif'] as const

/** The column whose first values are mostly (80%+) image file names, if any: a CSV of images. */
export function imagePathColumn(columns: string[], rows: Record<string, string>[]): string | null {
  let best: { name: string; share: number } | null = null
  for (const c of columns) {
    const filled = rows.map((r) => (r[c] ?? '').trim().toLowerCase()).filter((v) => v !== '')
    if (filled.length === 0) continue
    const share = filled.filter((v) => imageFileEndings.some((e) => v.endsWith(e))).length / filled.length
    if (share >= 0.8 && (!best || share > best.share)) best = { name: c, share }
  }
  return best?.name ?? null
}

/** Counts the feature columns (numeric and categorical) among table guesses. */
export function featureColumns(guesses: ColumnGuess[]): ColumnGuess[] {
  return guesses.filter((g) => g.kind === 'numeric' || g.kind === 'categorical')
}

/**
 * Text or table, from the columns and first rows: a column of sentences makes the rows texts; columns of
 * numbers (or several categories) with no sentences make them table rows.
 */
export function suggestKind(
  columns: string[],
  rows: Record<string, string>[],
  guesses = guessTableColumns(columns, rows),
  /** Columns that are neither text nor features whatever their values (the split column). */
  leaveOut: readonly (string | null | undefined)[] = [],
): KindSuggestion {
  const images = imagePathColumn(columns, rows)
  if (images) return { kind: 'image', reason: `Column "${images}" holds image file names, so each row is an image to classify.`, why: { rule: 'images', column: images } }
  const text = guesses.find((g) => g.kind === 'text')
  if (text) return { kind: 'text', reason: `Column "${text.name}" holds sentences or many different phrases, so each row is a text to classify.`, why: { rule: 'sentences', column: text.name } }
  const features = featureColumns(guesses).filter((g) => !leaveOut.includes(g.name))
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
