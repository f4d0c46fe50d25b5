// Reading a dataset version's stored rows: page by page (the repository's rowsAfter), grouped into
// the splits a run trains and evaluates on, and the label and split counts a version records.
import { UserError } from '../../shared/api'
import type { SplitName } from '../../shared/domain'
import type { ImageRef } from '../../shared/trainer-protocol'
import { oversampleExtras } from '../data/oversample'
import { splitByCode } from '../data/types'
import { tableRowJson } from '../../shared/table-rows'
import type { ColumnGuess } from '../../shared/table-guess'
import type { DatasetsRepo, RowRecord, VersionSummary } from '../store/datasets-repo'

/** Rows read per page: large enough to be fast, small enough to let other work in between. */
export const pageSize = 5000

/** What reading rows needs of the repository. */
export type RowSource = Pick<DatasetsRepo, 'rowsAfter' | 'version'>

/** One split's rows, ready for training or evaluation (labels as indices into `labels`). */
export interface SplitRows {
  texts: string[]
  labels: number[]
  /** Image datasets: each row's image (readable ones only), in line with `texts`. */
  images?: ImageRef[]
}

/** The image a stored row of an image dataset names (its cells as the image import wrote them), else null. */
export function imageRefOf(cells: Record<string, string> | undefined): (ImageRef & { error: string }) | null {
  if (!cells || !['path', 'sha256', 'dhash', 'format', 'width', 'height', 'error'].every((k) => typeof cells[k] === 'string')) return null
  return { path: cells.path!, sha256: cells.sha256!, error: cells.error! }
}

/** A version's rows by split, for the runs service. `indices` are the rows' stored idx. */
export interface LoadedSplits {
  labels: string[]
  /** `indices` covers the stored rows; oversampled copies are appended after them. */
  train: SplitRows & { indices: number[] }
  validation: SplitRows & { indices: number[] }
  test: SplitRows & { indices: number[] }
  /** Texts of rows without a label (for pretraining a language model). */
  unlabeled: string[]
  /** Tables: the columns' roles; each text is then the row's feature cells as JSON. */
  table?: { columns: ColumnGuess[] }
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r))

/** Visit every row of a version in idx order, a page at a time, letting other work in between. */
export async function scanRows(repo: RowSource, versionId: string, visit: (r: RowRecord) => void): Promise<void> {
  let after = -1
  for (;;) {
    const page = repo.rowsAfter(versionId, after, pageSize)
    for (const r of page) visit(r)
    if (page.length < pageSize) return
    after = page[page.length - 1].idx
    await yieldToLoop()
  }
}

/** Same, synchronously (inside a transaction). */
export function scanRowsSync(repo: RowSource, versionId: string, visit: (r: RowRecord) => void): void {
  let after = -1
  for (;;) {
    const page = repo.rowsAfter(versionId, after, pageSize)
    for (const r of page) visit(r)
    if (page.length < pageSize) return
    after = page[page.length - 1].idx
  }
}

/** Label counts (labels sorted, unused ones left out) and split counts of rows given as label ids and split codes. */
export function summarizeRows(labelNames: string[], labelIds: ArrayLike<number>, codes: Uint8Array): VersionSummary {
  const counts = new Array<number>(labelNames.length).fill(0)
  const splitCounts: Partial<Record<SplitName, number>> = {}
  for (let i = 0; i < labelIds.length; i++) {
    if (labelIds[i] >= 0) counts[labelIds[i]]++
    const s = splitByCode[codes[i]]
    if (s) splitCounts[s] = (splitCounts[s] ?? 0) + 1
  }
  const labels = labelNames.filter((_, i) => counts[i] > 0).sort()
  const labelCounts: Record<string, number> = {}
  for (const l of labels) labelCounts[l] = counts[labelNames.indexOf(l)]
  return { labels, labelCounts, splitCounts }
}

/** A version's rows by split (labels sorted, oversampled copies of the training rows appended when asked). */
export function loadSplitRows(repo: RowSource, versionId: string): LoadedSplits {
  const v = repo.version(versionId)
  if (!v) throw new UserError(`Dataset version "${versionId}" not found.`, 'not_found')
  const labels = (v.summary?.labels ?? []).slice().sort()
  const labelOf = new Map(labels.map((l, i) => [l, i]))
  const out: LoadedSplits = {
    labels,
    train: { texts: [], labels: [], indices: [] },
    validation: { texts: [], labels: [], indices: [] },
    test: { texts: [], labels: [], indices: [] },
    unlabeled: [],
    ...(v.columns ? { table: { columns: v.columns } } : {}),
  }
  const columns = v.columns
  scanRowsSync(repo, versionId, (row) => {
    const r = columns ? { ...row, text: tableRowJson(columns, row.cells ?? {}) } : row
    if (r.label === null) {
      if (r.text.trim()) out.unlabeled.push(r.text)
      return
    }
    if (r.split === null) return
    const y = labelOf.get(r.label)
    if (y === undefined) return
    const part = out[r.split]
    const image = imageRefOf(r.cells)
    if (image) {
      if (image.error) return // unreadable: the doctor shows it, training leaves it out
      ;(part.images ??= []).push({ path: image.path, sha256: image.sha256 })
    }
    part.texts.push(r.text)
    part.labels.push(y)
    if ('indices' in part) part.indices.push(r.idx)
  })
  if (v.split?.oversample) {
    for (const p of oversampleExtras(out.train.labels, v.split.seed)) {
      out.train.texts.push(out.train.texts[p])
      out.train.labels.push(out.train.labels[p])
      if (out.train.images) out.train.images.push(out.train.images[p]!)
    }
  }
  return out
}
