// The classic baseline beside a table run: multinomial logistic regression (the text baseline's solver) on
// the table prep's scaled numeric columns (plus a missing flag each) and one-hot categories (their
// "missing" and "other" included). Trained on the training split, C chosen on validation macro-F1, scored
// on the rows the run reports. Plain arrays; no tfjs.
import type { BaselineMetrics } from '../../../shared/domain'
import { accuracyInterval } from '../../../shared/intervals'
import { encodeTableRows, type TablePrep } from '../../../shared/table-prep'
import { classificationMetrics } from '../metrics'
import { fitLogistic, logisticToJSON, predictProba, type FittedLogistic, type LogisticJSON } from './logistic'
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

const argmax = (p: number[]) => p.reduce((b, x, k) => (x > p[b]! ? k : b), 0)

/** Train on `train`, pick C on `validation`, score on `test` when it has rows (else validation). Labels index prep.labels. */
export function trainTableBaseline(
  prep: TablePrep,
  splits: { train: { cells: Record<string, string>[]; labels: number[] }; validation: { cells: Record<string, string>[]; labels: number[] }; test?: { cells: Record<string, string>[]; labels: number[] } },
  Cs = baselineCs,
): { model: TableBaselineModel; metrics: BaselineMetrics } {
  const start = Date.now()
  const nFeatures = featureCount(prep)
  const K = prep.labels.length
  const train = tableFeatures(prep, splits.train.cells)
  const val = tableFeatures(prep, splits.validation.cells)
  const score = (model: FittedLogistic, rows: SparseRow[], labels: number[]) => {
    const m = classificationMetrics(labels, predictProba(model, rows).map(argmax), [], prep.labels, 0)
    return { accuracy: m.accuracy, macroF1: m.macroF1, rows: rows.length }
  }
  let best: { model: FittedLogistic; val: ReturnType<typeof score> } | null = null
  let previous: FittedLogistic | null = null
  for (const C of [...Cs].sort((a, b) => a - b)) {
    const model = fitLogistic(train, splits.train.labels, nFeatures, K, C, { maxMs: 300_000, init: previous?.params })
    previous = model
    const v = score(model, val, splits.validation.labels)
    if (!best || v.macroF1 > best.val.macroF1 + 1e-12) best = { model, val: v }
  }
  const chosen = best!
  const hasTest = !!splits.test && splits.test.cells.length > 0
  const reported = hasTest ? score(chosen.model, tableFeatures(prep, splits.test!.cells), splits.test!.labels) : chosen.val
  const interval = accuracyInterval(reported.accuracy, reported.rows)
  return {
    model: { kind: tableBaselineKind, prep, logistic: logisticToJSON(chosen.model) },
    metrics: {
      kind: tableBaselineKind,
      accuracy: reported.accuracy,
      macroF1: reported.macroF1,
      split: hasTest ? 'test' : 'validation',
      rows: reported.rows,
      ...(interval ? { accuracyInterval: interval } : {}),
      validation: chosen.val,
      seconds: (Date.now() - start) / 1000,
      features: nFeatures,
      C: chosen.model.C,
    },
  }
}
