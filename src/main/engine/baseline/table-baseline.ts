// The classic baseline beside a table run: multinomial logistic regression (the text baseline's solver) on
// the table prep's scaled numeric columns (plus a missing flag each) and one-hot categories (their
// "missing" and "other" included). Trained on the training split, C chosen on validation macro-F1, scored
// on the rows the run reports. Plain arrays; no tfjs.
import type { BaselineMetrics } from '../../../shared/domain'
import { encodeTableRows, type TablePrep } from '../../../shared/table-prep'
import { fitChoosingC } from './choose-c'
import { logisticToJSON, type LogisticJSON } from './logistic'
import type { SparseRow } from './tfidf'
import { baselineCs } from './index'

/** Name of the table baseline in metrics. */
export const tableBaselineKind = 'table-logreg'

/** A fitted table baseline: the prep it reads rows with and the logistic weights. */
export interface TableBaselineModel {
  kind: typeof tableBaselineKind
  prep: TablePrep
  logistic: LogisticJSON
}

/** Feature count of a prep: per numeric column a value and a missing flag; per category its values + missing + other. */
function featureCount(prep: TablePrep): number {
  return 2 * prep.numeric.length + prep.categorical.reduce((n, c) => n + c.values.length + 2, 0)
}

/** Rows (cells by column) as sparse feature rows. */
export function tableFeatures(prep: TablePrep, rows: Record<string, string>[]): SparseRow[] {
  const enc = encodeTableRows(prep, rows)
  const F = enc.width
  const nNum = prep.numeric.length
  const offsets: number[] = []
  let at = 2 * nNum
  for (const c of prep.categorical) {
    offsets.push(at)
    at += c.values.length + 2
  }
  return rows.map((_, r) => {
    const idx: number[] = []
    const val: number[] = []
    for (let j = 0; j < nNum; j++) {
      if (enc.ids[r * F + j] === 1) {
        idx.push(2 * j + 1)
        val.push(1)
      } else {
        idx.push(2 * j)
        val.push(enc.values[r * F + j]!)
      }
    }
    for (let j = 0; j < prep.categorical.length; j++) {
      idx.push(offsets[j]! + enc.ids[r * F + nNum + j]!) // value id 0 missing, 1 other, 2.. values
      val.push(1)
    }
    return { idx: Int32Array.from(idx), val: Float64Array.from(val) }
  })
}

/** Train on `train`, pick C on `validation`, score on `test` when it has rows (else validation). Labels index prep.labels. */
export function trainTableBaseline(
  prep: TablePrep,
  splits: { train: { cells: Record<string, string>[]; labels: number[] }; validation: { cells: Record<string, string>[]; labels: number[] }; test?: { cells: Record<string, string>[]; labels: number[] } },
  Cs = baselineCs,
): { model: TableBaselineModel; metrics: BaselineMetrics } {
  const start = Date.now()
  const hasTest = !!splits.test && splits.test.cells.length > 0
  const { logistic, metrics } = fitChoosingC({
    kind: tableBaselineKind,
    labels: prep.labels,
    nFeatures: featureCount(prep),
    train: { rows: tableFeatures(prep, splits.train.cells), labels: splits.train.labels },
    validation: { rows: tableFeatures(prep, splits.validation.cells), labels: splits.validation.labels },
    test: hasTest ? { rows: tableFeatures(prep, splits.test!.cells), labels: splits.test!.labels } : null,
    Cs,
    start,
  })
  return { model: { kind: tableBaselineKind, prep, logistic: logisticToJSON(logistic) }, metrics }
}
