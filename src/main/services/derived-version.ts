// A new dataset version derived from the current one (re-split, fixes, column changes), written so
// that no transaction is long: the version is created unpublished (invisible to every list and
// look-up), its rows go in `chunkRows` at a time, each batch its own short transaction with a pause
// after it so a writer in another process waiting on SQLite's lock gets its turn, and one last
// short transaction publishes it and makes it current. A process killed midway leaves only an
// unpublished version, which start-up removes (removeAbandonedVersions). Reading the parent
// across transactions is safe: a published version's rows never change.
import { UserError } from '../../shared/api'
import { ContentHasher } from '../data/content-hash'
import { splitCodes } from '../data/types'
import type { DatasetRecord, DatasetsRepo, RowRecord, SplitInfo, VersionRecord } from '../store/datasets-repo'
import { processAlive } from '../engine/process-alive'
import { pageSize, summarizeRows } from './dataset-rows'
import { bestEffort } from './disk-full'
import { LabelIndex } from './label-index'

/** How a derived version is written. Tests make the chunks small. */
export interface VersionWriteOptions {
  /** Rows per write transaction (default 10,000: on the order of 100 ms of lock on a slow disk). */
  chunkRows?: number
  /** Pause after each chunk, in ms, leaving the lock free (default 25). */
  pauseMs?: number
}

const defaults = { chunkRows: 10_000, pauseMs: 25 }

/** The pause after one batch's transaction (setImmediate when 0): another process's writer may take the lock meanwhile. */
export const pause = (ms: number = defaults.pauseMs) => new Promise<void>((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)))

/** Write `versionId` from the dataset's current version, each row mapped (or dropped with null), then publish it. */
export async function writeDerivedVersion(
  repo: DatasetsRepo,
  a: { versionId: string; dataset: DatasetRecord & { version: VersionRecord }; split: SplitInfo | null; note: string },
  map: (r: RowRecord, position: number) => RowRecord | null,
  options: VersionWriteOptions = {},
): Promise<void> {
  const { chunkRows, pauseMs } = { ...defaults, ...options }
  const d = a.dataset
  repo.createPendingVersion({ datasetId: d.id, versionId: a.versionId, parentVersionId: d.version.id, createdAt: new Date().toISOString(), source: d.version.source, split: a.split, note: a.note, columns: d.version.columns, pid: process.pid })
  try {
    const hasher = new ContentHasher()
    const labelIndex = new LabelIndex()
    const labelIds: number[] = []
    const codes: number[] = []
    let batch: RowRecord[] = []
    let position = 0
    let after = -1
    for (;;) {
      const page = repo.rowsAfter(d.version.id, after, pageSize)
      for (const r of page) {
        const out = map(r, position++)
        if (!out) continue
        hasher.add(out.text, out.label)
        labelIds.push(labelIndex.idOf(out.label))
        codes.push(out.split ? splitCodes[out.split] : 0)
        batch.push(out)
        if (batch.length >= chunkRows) {
          repo.insertRows(a.versionId, batch)
          batch = []
          await pause(pauseMs)
        }
      }
      if (page.length < pageSize) break
      after = page[page.length - 1].idx
    }
    if (batch.length) repo.insertRows(a.versionId, batch)
    if (labelIds.length === 0) throw new UserError('These fixes would remove every row. Nothing was changed.', 'conflict')
    const splitArr = Uint8Array.from(codes)
    const totals = { contentHash: hasher.finish(splitArr), rowCount: labelIds.length, summary: summarizeRows(labelIndex.names(), labelIds, splitArr) }
    if (!repo.publishVersion(d.id, a.versionId, totals)) {
      throw new UserError(`The dataset "${d.name}" was deleted while its new version was being written. Nothing was changed.`, 'conflict')
    }
  } catch (err) {
    bestEffort(() => repo.dropUnpublished(a.versionId, chunkRows), 'removing the unfinished version')
    const now = repo.get(d.id)
    if (!(err instanceof UserError) && (!now || now.deletedAt !== null)) {
      throw new UserError(`The dataset "${d.name}" was deleted while its new version was being written. Nothing was changed.`, 'conflict')
    }
    throw err
  }
}

/** Start-up: remove unpublished versions whose writer died (a live writer, another process, is left alone). */
export function removeAbandonedVersions(repo: DatasetsRepo, chunkRows = defaults.chunkRows): void {
  for (const v of repo.unpublishedVersions()) {
    if (v.pid === null || !processAlive(v.pid)) bestEffort(() => repo.dropUnpublished(v.id, chunkRows), 'removing an unfinished dataset version')
  }
}
