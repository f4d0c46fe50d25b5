// All SQL for datasets, their versions and rows. Multi-row writes are one transaction each; a derived
// version is written in batches under an unpublished version and published in one short transaction.
import type { DatasetKind } from '../../shared/dataset-kinds'
import type { SplitName } from '../../shared/domain'
import type { ColumnGuess } from '../../shared/table-guess'
import type { Db } from './db'

/** Where a version's rows came from and how they were read. */
export interface SourceInfo {
  fileName: string
  format: string
  encoding: string
  textColumns: string[]
  labelColumn: string | null
  splitColumn: string | null
  sheet?: string
  details?: Record<string, string | boolean>
}

/** How a version's rows were split. */
export interface SplitInfo {
  train: number
  validation: number
  test: number
  seed: number
  /** How the split came about, e.g. "stratified" or "from the split column". */
  note: string
  /** Repeat minority-class training rows when the version is loaded for training. */
  oversample?: boolean
}

/** Label and split counts of a version, kept with it so listing is cheap. */
export interface VersionSummary {
  labels: string[]
  labelCounts: Record<string, number>
  splitCounts: Partial<Record<SplitName, number>>
}

/** A stored version. */
export interface VersionRecord {
  id: string
  datasetId: string
  parentVersionId: string | null
  createdAt: string
  contentHash: string
  rowCount: number
  source: SourceInfo
  split: SplitInfo | null
  note: string
  summary: VersionSummary | null
  /** Table datasets: each column's role and why (null for texts). */
  columns: ColumnGuess[] | null
}

/** A stored dataset with its current version. */
export interface DatasetRecord {
  id: string
  name: string
  status: 'ready' | 'importing' | 'failed'
  kind: DatasetKind
  createdAt: string
  deletedAt: string | null
  importPid: number | null
  versions: number
  version: VersionRecord | null
}

/** One row as stored. */
export interface RowRecord {
  idx: number
  text: string
  label: string | null
  split: SplitName | null
  /** Table rows: every cell by column name (the label's column too). Absent for texts. */
  cells?: Record<string, string>
}

/** What a finished version records. */
export interface VersionTotals {
  contentHash: string
  rowCount: number
  summary: VersionSummary
}

interface DatasetRowSql {
  id: string
  name: string
  status: DatasetRecord['status']
  kind: DatasetKind
  created_at: string
  deleted_at: string | null
  import_pid: number | null
  current_version_id: string | null
  versions: number
}

interface VersionRowSql {
  id: string
  dataset_id: string
  parent_version_id: string | null
  created_at: string
  content_hash: string
  row_count: number
  source_json: string
  split_json: string | null
  note: string
  summary_json: string | null
  columns_json: string | null
}

interface RowSql {
  idx: number
  text: string
  label: string | null
  split: SplitName | null
  cells_json: string | null
}

function toRow(r: RowSql): RowRecord {
  const row: RowRecord = { idx: r.idx, text: r.text, label: r.label, split: r.split }
  if (r.cells_json !== null) row.cells = JSON.parse(r.cells_json) as Record<string, string>
  return row
}

function toVersion(r: VersionRowSql): VersionRecord {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    parentVersionId: r.parent_version_id,
    createdAt: r.created_at,
    contentHash: r.content_hash,
    rowCount: r.row_count,
    source: JSON.parse(r.source_json) as SourceInfo,
    split: r.split_json ? (JSON.parse(r.split_json) as SplitInfo) : null,
    note: r.note,
    summary: r.summary_json ? (JSON.parse(r.summary_json) as VersionSummary) : null,
    columns: r.columns_json ? (JSON.parse(r.columns_json) as ColumnGuess[]) : null,
  }
}

/** Rows per multi-row INSERT (6 parameters each, well under SQLite's parameter limit). */
const rowsPerInsert = 100

/** The datasets repository over an open database. */
export type DatasetsRepo = ReturnType<typeof createDatasetsRepo>

/** Build the repository; statements are prepared once. */
export function createDatasetsRepo(db: Db) {
  const datasetCols = `d.id, d.name, d.status, d.kind, d.created_at, d.deleted_at, d.import_pid, d.current_version_id,
    (SELECT count(*) FROM dataset_versions v WHERE v.dataset_id = d.id AND v.published = 1) AS versions`
  const s = {
    list: db.prepare(`SELECT ${datasetCols} FROM datasets d WHERE d.status = 'ready' AND d.deleted_at IS NULL ORDER BY d.created_at DESC, d.id DESC`),
    get: db.prepare(`SELECT ${datasetCols} FROM datasets d WHERE d.id = ?`),
    version: db.prepare('SELECT * FROM dataset_versions WHERE id = ?'),
    versionsOf: db.prepare('SELECT * FROM dataset_versions WHERE dataset_id = ? AND published = 1 ORDER BY created_at, id'),
    runsUsing: db.prepare('SELECT count(*) AS n FROM runs WHERE dataset_id = ?'),
    insertDataset: db.prepare(
      `INSERT INTO datasets (id, name, kind, created_at, current_version_id, status, import_pid) VALUES (?, ?, ?, ?, NULL, 'importing', ?)`,
    ),
    insertVersion: db.prepare(
      `INSERT INTO dataset_versions (id, dataset_id, parent_version_id, created_at, content_hash, row_count, source_json, split_json, note, summary_json, columns_json)
       VALUES (@id, @datasetId, @parentVersionId, @createdAt, '', 0, @source, @split, @note, NULL, @columns)`,
    ),
    finishVersion: db.prepare(
      'UPDATE dataset_versions SET content_hash = ?, row_count = ?, summary_json = ?, split_json = coalesce(?, split_json) WHERE id = ?',
    ),
    setCurrent: db.prepare(`UPDATE datasets SET current_version_id = ?, status = 'ready', import_pid = NULL WHERE id = ?`),
    insertRow: db.prepare('INSERT INTO dataset_rows (version_id, idx, text, label, split, cells_json) VALUES (?, ?, ?, ?, ?, ?)'),
    // Many rows per statement: far fewer calls across the native boundary on big imports.
    insertMany: db.prepare(`INSERT INTO dataset_rows (version_id, idx, text, label, split, cells_json) VALUES ${Array(rowsPerInsert).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`),
    setSplit: db.prepare('UPDATE dataset_rows SET split = ? WHERE version_id = ? AND idx = ?'),
    deleteRows: db.prepare('DELETE FROM dataset_rows WHERE version_id IN (SELECT id FROM dataset_versions WHERE dataset_id = ?)'),
    deleteVersions: db.prepare('DELETE FROM dataset_versions WHERE dataset_id = ?'),
    deleteDataset: db.prepare('DELETE FROM datasets WHERE id = ?'),
    staging: db.prepare(`SELECT id, import_pid FROM datasets WHERE status = 'importing'`),
    byHash: db.prepare(
      `SELECT d.id FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id
       WHERE v.content_hash = ? AND v.published = 1 AND d.status = 'ready' AND d.deleted_at IS NULL AND d.id <> ?
       ORDER BY d.created_at LIMIT 1`,
    ),
    rowsAfter: db.prepare('SELECT idx, text, label, split, cells_json FROM dataset_rows WHERE version_id = ? AND idx > ? ORDER BY idx LIMIT ?'),
    page: db.prepare('SELECT idx, text, label, split, cells_json FROM dataset_rows WHERE version_id = ? ORDER BY idx LIMIT ? OFFSET ?'),
    pageSplit: db.prepare('SELECT idx, text, label, split, cells_json FROM dataset_rows WHERE version_id = ? AND split = ? ORDER BY idx LIMIT ? OFFSET ?'),
    count: db.prepare('SELECT count(*) AS n FROM dataset_rows WHERE version_id = ?'),
    countSplit: db.prepare('SELECT count(*) AS n FROM dataset_rows WHERE version_id = ? AND split = ?'),
    byIdx: db.prepare('SELECT idx, text, label, split, cells_json FROM dataset_rows WHERE version_id = ? AND idx = ?'),
    rename: db.prepare('UPDATE datasets SET name = ? WHERE id = ?'),
    insertPending: db.prepare(
      `INSERT INTO dataset_versions (id, dataset_id, parent_version_id, created_at, content_hash, row_count, source_json, split_json, note, summary_json, columns_json, published, writer_pid)
       VALUES (@id, @datasetId, @parentVersionId, @createdAt, '', 0, @source, @split, @note, NULL, @columns, 0, @pid)`,
    ),
    publish: db.prepare('UPDATE dataset_versions SET published = 1, writer_pid = NULL WHERE id = ? AND published = 0'),
    datasetLive: db.prepare(`SELECT 1 FROM datasets WHERE id = ? AND status = 'ready' AND deleted_at IS NULL`),
    unpublished: db.prepare('SELECT id, writer_pid FROM dataset_versions WHERE published = 0'),
    deleteSomeRows: db.prepare('DELETE FROM dataset_rows WHERE version_id = ? AND idx IN (SELECT idx FROM dataset_rows WHERE version_id = ? ORDER BY idx LIMIT ?)'),
    deleteUnpublished: db.prepare('DELETE FROM dataset_versions WHERE id = ? AND published = 0'),
    softDelete: db.prepare('UPDATE datasets SET deleted_at = ? WHERE id = ?'),
  }

  const version = (id: string | null): VersionRecord | null => {
    if (!id) return null
    const r = s.version.get(id) as VersionRowSql | undefined
    return r ? toVersion(r) : null
  }
  const toDataset = (r: DatasetRowSql): DatasetRecord => ({
    id: r.id,
    name: r.name,
    status: r.status,
    kind: r.kind,
    createdAt: r.created_at,
    deletedAt: r.deleted_at,
    importPid: r.import_pid,
    versions: r.versions,
    version: version(r.current_version_id),
  })
  const writeRows = (versionId: string, rows: RowRecord[]) => {
    let i = 0
    const args: unknown[] = new Array(rowsPerInsert * 6)
    const cells = (r: RowRecord) => (r.cells ? JSON.stringify(r.cells) : null)
    for (; i + rowsPerInsert <= rows.length; i += rowsPerInsert) {
      for (let j = 0; j < rowsPerInsert; j++) {
        const r = rows[i + j]
        args[j * 6] = versionId
        args[j * 6 + 1] = r.idx
        args[j * 6 + 2] = r.text
        args[j * 6 + 3] = r.label
        args[j * 6 + 4] = r.split
        args[j * 6 + 5] = cells(r)
      }
      s.insertMany.run(args)
    }
    for (; i < rows.length; i++) s.insertRow.run(versionId, rows[i].idx, rows[i].text, rows[i].label, rows[i].split, cells(rows[i]))
  }
  const insertRows = db.transaction(writeRows)
  const discard = db.transaction((datasetId: string) => {
    s.deleteRows.run(datasetId)
    s.deleteVersions.run(datasetId)
    s.deleteDataset.run(datasetId)
  })

  return {
    /** Ready, not deleted datasets, newest first. */
    list(): DatasetRecord[] {
      return (s.list.all() as DatasetRowSql[]).map(toDataset)
    },
    /** One dataset (deleted or staging ones too; callers decide). */
    get(id: string): DatasetRecord | null {
      const r = s.get.get(id) as DatasetRowSql | undefined
      return r ? toDataset(r) : null
    },
    /** One version by id, or null. */
    version,
    /** Every version of a dataset, oldest first. */
    versionsOf(datasetId: string): VersionRecord[] {
      return (s.versionsOf.all(datasetId) as VersionRowSql[]).map(toVersion)
    },
    /** Runs that used any version of the dataset. */
    runsUsing(datasetId: string): number {
      return (s.runsUsing.get(datasetId) as { n: number }).n
    },

    /** Start an import: a dataset in status 'importing' owned by `pid`, with an empty version. */
    createStaging(a: { datasetId: string; versionId: string; name: string; kind?: DatasetKind; columns?: ColumnGuess[] | null; createdAt: string; pid: number; source: SourceInfo }): void {
      db.transaction(() => {
        s.insertDataset.run(a.datasetId, a.name, a.kind ?? 'text', a.createdAt, a.pid)
        s.insertVersion.run({ id: a.versionId, datasetId: a.datasetId, parentVersionId: null, createdAt: a.createdAt, source: JSON.stringify(a.source), split: null, note: 'imported', columns: a.columns ? JSON.stringify(a.columns) : null })
      })()
    },
    /** Append a batch of rows (one transaction). */
    insertRows(versionId: string, rows: RowRecord[]): void {
      insertRows(versionId, rows)
    },
    /** Change the split of some rows (one transaction). */
    setSplits(versionId: string, changes: { idx: number; split: SplitName }[]): void {
      db.transaction(() => {
        for (const c of changes) s.setSplit.run(c.split, versionId, c.idx)
      })()
    },
    /** Finish an import: record totals and make the dataset ready (one transaction). */
    completeImport(datasetId: string, versionId: string, totals: VersionTotals, split: SplitInfo): void {
      db.transaction(() => {
        s.finishVersion.run(totals.contentHash, totals.rowCount, JSON.stringify(totals.summary), JSON.stringify(split), versionId)
        s.setCurrent.run(versionId, datasetId)
      })()
    },
    /** Delete a dataset with every version and row (staging cleanup, or unused datasets). */
    discard(datasetId: string): void {
      discard(datasetId)
    },
    /** Imports in progress or abandoned: their dataset ids and owning process ids. */
    stagingImports(): { id: string; pid: number | null }[] {
      return (s.staging.all() as { id: string; import_pid: number | null }[]).map((r) => ({ id: r.id, pid: r.import_pid }))
    },
    /** A ready dataset (other than `exceptId`) having a version with this content hash. */
    findByContentHash(hash: string, exceptId = ''): string | null {
      return (s.byHash.get(hash, exceptId) as { id: string } | undefined)?.id ?? null
    },

    /** Start a derived version that stays invisible (unpublished) while `pid` writes its rows in batches. */
    createPendingVersion(a: { datasetId: string; versionId: string; parentVersionId: string; createdAt: string; source: SourceInfo; split: SplitInfo | null; note: string; columns?: ColumnGuess[] | null; pid: number }): void {
      s.insertPending.run({ id: a.versionId, datasetId: a.datasetId, parentVersionId: a.parentVersionId, createdAt: a.createdAt, source: JSON.stringify(a.source), split: a.split ? JSON.stringify(a.split) : null, note: a.note, columns: a.columns ? JSON.stringify(a.columns) : null, pid: a.pid })
    },
    /** Publish a pending version with its totals and make it current, in one short transaction; false when the dataset or the version is gone. */
    publishVersion(datasetId: string, versionId: string, totals: VersionTotals): boolean {
      return db.transaction(() => {
        if (!s.datasetLive.get(datasetId)) return false
        s.finishVersion.run(totals.contentHash, totals.rowCount, JSON.stringify(totals.summary), null, versionId)
        if (s.publish.run(versionId).changes !== 1) return false
        s.setCurrent.run(versionId, datasetId)
        return true
      }).immediate()
    },
    /** Unpublished versions (being written, or left by a process that died) and their writers. */
    unpublishedVersions(): { id: string; pid: number | null }[] {
      return (s.unpublished.all() as { id: string; writer_pid: number | null }[]).map((r) => ({ id: r.id, pid: r.writer_pid }))
    },
    /** Remove an unpublished version: its rows `chunk` at a time (each a short transaction), then the version. */
    dropUnpublished(versionId: string, chunk: number): void {
      const v = s.version.get(versionId) as { published: number } | undefined
      if (!v || v.published !== 0) return
      while (s.deleteSomeRows.run(versionId, versionId, chunk).changes > 0) {
        // next chunk
      }
      s.deleteUnpublished.run(versionId)
    },

    /** Up to `limit` rows with idx greater than `afterIdx`, in idx order (keyset paging for scans). */
    rowsAfter(versionId: string, afterIdx: number, limit: number): RowRecord[] {
      return (s.rowsAfter.all(versionId, afterIdx, limit) as RowSql[]).map(toRow)
    },
    /** A page of rows for display, optionally of one split. */
    page(versionId: string, offset: number, limit: number, split?: SplitName): RowRecord[] {
      return ((split ? s.pageSplit.all(versionId, split, limit, offset) : s.page.all(versionId, limit, offset)) as RowSql[]).map(toRow)
    },
    /** Number of rows, optionally of one split. */
    count(versionId: string, split?: SplitName): number {
      return ((split ? s.countSplit.get(versionId, split) : s.count.get(versionId)) as { n: number }).n
    },
    /** Rows by idx, in the order asked. */
    rowsByIdx(versionId: string, idxs: number[]): RowRecord[] {
      return idxs.map((i) => s.byIdx.get(versionId, i) as RowSql | undefined).filter((r): r is RowSql => !!r).map(toRow)
    },
    /** Change a dataset's name. */
    rename(id: string, name: string): void {
      s.rename.run(name, id)
    },
    /** Hide a dataset but keep its versions and rows (runs still point at them). */
    softDelete(id: string, at: string): void {
      s.softDelete.run(at, id)
    },
  }
}
