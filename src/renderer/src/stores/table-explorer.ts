// The attention explorer for table runs: a row of cells through the model (its class probabilities and
// which columns the decision looked at), and the columns' attention averaged over the dataset's test rows.
import { defineStore } from 'pinia'
import { reactive } from 'vue'
import type { Prediction } from '../../../shared/domain'
import { useApi } from '../api'
import { trackedActions } from '../lib/tracked-actions'

/** Rows averaged over for the mean column attention (the first test rows). */
export const averageRows = 200

/** Columns' attention averaged over rows. */
export interface AverageAttention {
  names: string[]
  attention: number[]
  rows: number
}

/** Mean of each column's attention over predictions that carry it. */
export function meanColumnAttention(preds: Prediction[]): AverageAttention | null {
  const withCols = preds.filter((p) => p.columns)
  if (!withCols.length) return null
  const names = withCols[0]!.columns!.names
  const attention = names.map((_, j) => withCols.reduce((s, p) => s + (p.columns!.attention[j] ?? 0), 0) / withCols.length)
  return { names, attention, rows: withCols.length }
}

/** Per run: the last predicted row and the average over test rows. */
export const useTableExplorerStore = defineStore('tableExplorer', () => {
  const { busy, actionError, run } = trackedActions()
  const rows = reactive<Record<string, Prediction & { cells: Record<string, string> }>>({})
  const averages = reactive<Record<string, AverageAttention>>({})
  /** Per run: the first test row's cells (to fill the form with a real example). */
  const examples = reactive<Record<string, Record<string, string>>>({})

  /** Classify one row of cells with its column attention. */
  async function predictRow(runId: string, cells: Record<string, string>): Promise<void> {
    const r = await run(runId, 'predictRow', () => useApi().runs.predict({ id: runId, text: JSON.stringify(cells), attention: true }))
    if (r) rows[runId] = { ...r, cells: { ...cells } }
  }

  /** Average the columns' attention over the dataset's first test rows (validation when there is no test split). */
  async function loadAverage(runId: string, datasetId: string): Promise<void> {
    await run(runId, 'average', async () => {
      const api = useApi()
      let page = await api.datasets.preview({ id: datasetId, offset: 0, limit: averageRows, split: 'test' })
      if (!page.rows.length) page = await api.datasets.preview({ id: datasetId, offset: 0, limit: averageRows, split: 'validation' })
      const texts = page.rows.filter((r) => r.cells).map((r) => JSON.stringify(r.cells))
      if (page.rows[0]?.cells) examples[runId] = { ...page.rows[0].cells }
      if (!texts.length) return
      const avg = meanColumnAttention(await api.runs.predictMany({ id: runId, texts, attention: true }))
      if (avg) averages[runId] = avg
    })
  }

  return { busy, actionError, rows, averages, examples, predictRow, loadAverage }
})
