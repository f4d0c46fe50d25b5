// Training the table encoder on a table's rows: guess the columns (unless told), fit the preprocessing on the
// training split only, encode every split, and run the same training loop as text (best epoch by validation,
// early stopping). Knows nothing of the app: rows in, a model, its prep and metrics out.
import type { RunConfig } from '../../shared/config'
import type { RunMetrics } from '../../shared/domain'
import { tableDims } from '../../shared/models'
import { guessTableColumns, type ColumnGuess } from '../../shared/table-guess'
import { encodeTableRows, fitTablePrep, tableColumnsOf, type EncodedTable, type TablePrep } from '../../shared/table-prep'
import { buildModel } from './models'
import type { TextModel } from './models/types'
import { argmax, classifyRows } from './training/evaluate-rows'
import { trainLoop, type TrainCallbacks } from './training/loop'

/** A table split three ways, each row column name -> cell. */
export interface TableSplits {
  columns: string[]
  train: Record<string, string>[]
  validation: Record<string, string>[]
  test: Record<string, string>[]
}

/** What a table training produced. The caller disposes the model's weights. */
export interface TableTrainingResult {
  model: TextModel
  prep: TablePrep
  guesses: ColumnGuess[]
  /** Validation metrics of the kept epoch. */
  validation: RunMetrics | null
  /** Share of labelled test rows classified right (NaN without test rows). */
  testAccuracy: number
  /** Rows left out because their label was missing or unseen in training, per split. */
  skipped: { train: number; validation: number; test: number }
}

/** Rows of an encoded split as the loop takes them: value ids and scaled values per row, labelled rows only. */
function loopRows(enc: EncodedTable): { rows: Int32Array[]; values: Float32Array[]; labels: number[]; skipped: number } {
  const rows: Int32Array[] = []
  const values: Float32Array[] = []
  const labels: number[] = []
  const F = enc.width
  enc.labels.forEach((y, r) => {
    if (y < 0) return
    rows.push(enc.ids.slice(r * F, r * F + F))
    values.push(enc.values.slice(r * F, r * F + F))
    labels.push(y)
  })
  return { rows, values, labels, skipped: enc.labels.length - labels.length }
}

/** Trains a table encoder with `config`'s model size and training settings; `guesses` overrule the guesser. */
export async function trainTable(splits: TableSplits, config: RunConfig, cb: TrainCallbacks, signal: AbortSignal, opts: { label?: string; guesses?: ColumnGuess[] } = {}): Promise<TableTrainingResult> {
  const guesses = opts.guesses ?? guessTableColumns(splits.columns, splits.train, opts.label)
  for (const g of guesses) cb.onLog('info', `Column "${g.name}": ${g.kind}. ${g.reason}`)
  const prep = fitTablePrep(guesses, splits.train)
  const [train, validation, test] = [splits.train, splits.validation, splits.test].map((rows) => loopRows(encodeTableRows(prep, rows))) as [ReturnType<typeof loopRows>, ReturnType<typeof loopRows>, ReturnType<typeof loopRows>]
  if (train.rows.length === 0) throw new Error('No training row has a label.')
  const model = buildModel({ dims: tableDims(config.model, tableColumnsOf(prep)), head: 'classify', nClasses: prep.labels.length, lora: null }, config.train.seed)
  try {
    const result = await trainLoop(
      { model, objective: 'classify', train, validation, labels: prep.labels, config: config.train, trainable: [...model.params.keys()], checkpoint: null },
      cb,
      signal,
    )
    let testAccuracy = NaN
    if (test.rows.length > 0) {
      const { probs } = await classifyRows(model, test.rows, null, 128, test.values)
      testAccuracy = probs.filter((p, i) => argmax(p) === test.labels[i]).length / test.labels.length
    }
    return { model, prep, guesses, validation: result.bestMetrics, testAccuracy, skipped: { train: train.skipped, validation: validation.skipped, test: test.skipped } }
  } catch (err) {
    for (const v of model.params.values()) v.dispose()
    throw err
  }
}
