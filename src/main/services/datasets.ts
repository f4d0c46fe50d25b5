// The datasets service: import (streaming, staged, cancellable), inspect, preview, the doctor and
// its fixes, splits, stats, and the versioned rows the runs service trains on.
import { rm, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import type { z } from 'zod'
import { UserError, type DatasetRow, type ReadOptionsSchema, type WorkbenchHandlers } from '../../shared/api'
import type { Dataset, DatasetEvent, SplitName } from '../../shared/domain'
import { guessColumns } from '../data/column-guess'
import { ContentHasher } from '../data/content-hash'
import { diagnose } from '../data/doctor'
import { planFixes } from '../data/fixes'
import { TableFacts, textOnlyFindings } from '../data/table-doctor'
import { ImageFacts, imageFactsRow, textOnlyImageFindings } from '../data/image-doctor'
import { openTable } from '../data/open-table'
import { FactsBuilder } from '../data/row-facts'
import { checkMapping, mapRecord } from '../data/row-mapping'
import { checkSplitSpec, resolveSplits, stratifiedSplit } from '../data/stratified-split'
import { assertUnchanged, peek } from '../data/table-reader'
import { countTokens, lengthHistogram } from '../data/tokens'
import { defaultSplit, splitByCode, splitCodes, type ColumnMapping, type SourceRecord, type SplitSpec } from '../data/types'
import { reclaimWal, type Db } from '../store/db'
import { createDatasetsRepo, type DatasetRecord, type RowRecord, type SourceInfo, type SplitInfo, type VersionRecord } from '../store/datasets-repo'
import { newId } from '../store/ids'
import { bestEffort, diskFullError, isDiskFull } from './disk-full'
import { removeStaleUploads, saveUpload } from './uploads'
import { loadSplitRows, scanRows, summarizeRows, type LoadedSplits } from './dataset-rows'
import { IntList, LabelIndex } from './label-index'
import { processAlive } from '../engine/process-alive'
import { toDataset as toDatasetView } from './dataset-view'
import { pause, removeAbandonedVersions, writeDerivedVersion, type VersionWriteOptions } from './derived-version'
import { locateSource, type ImportSource } from './import-source'
import { chooseKind, checkTableLabels, mapTableRecord, planTable, relabelRow, retypeColumns } from './table-import'
import { checkImageLabels, mapImageRecord, planImages, readsImageFolder, type ImageCells } from './image-import'
import { imageThumbnails } from './image-thumbnails'
import { suggestKind, type DatasetKind } from '../../shared/dataset-kinds'
import { guessTableColumns } from '../../shared/table-guess'

/** What the service needs from the composition root. */
export interface DatasetServiceDeps {
  db: Db
  home: string
  emit: (e: DatasetEvent) => void
  /** Rows per insert transaction during import (tests make it small). */
  batchSize?: number
  /** How long writes are batched: derived versions (re-split, fixes), an import's split changes (tests make them small). */
  versionWrite?: VersionWriteOptions
  /** Web mode's path policy for files an import names inside its source (a CSV's image paths). */
  checkRead?: (path: string) => void
}

export type { ImportSource } from './import-source'
/** How to read it. */
export type ReadOptions = z.infer<typeof ReadOptionsSchema>

/** Import progress as the terminal and the event stream report it. */
export interface ImportProgress {
  rows: number
  bytes: number
  totalBytes: number
  etaSec: number | null
}

export type { LoadedSplits, SplitRows } from './dataset-rows'

/** The API handlers plus what the runs service and the terminal need. */
export type DatasetService = WorkbenchHandlers['datasets'] & {
  /** The dataset's current version (what a new run trains on). */
  resolveVersion(datasetId: string): { datasetId: string; versionId: string; kind: DatasetKind }
  /** All labelled rows of a version by split; oversampling applied to train if the version asks. */
  loadSplitRows(versionId: string): LoadedSplits
  /** Import and wait for it (the terminal's `workbench import`). */
  importFile(
    source: ImportSource,
    name?: string,
    options?: ReadOptions,
    onProgress?: (p: ImportProgress) => void,
    signal?: AbortSignal,
  ): Promise<Dataset>
  /** Cancel running imports (their staged rows are removed) and stop. */
  close(): void
}

const progressEveryMs = 200
const exampleChars = 300
const defaultSeqLen = 128

class Cancelled extends UserError {
  constructor() {
    super('The import was cancelled. Nothing was saved.', 'conflict')
  }
}

/** Build the datasets service over the store. */
export function createDatasetService(deps: DatasetServiceDeps): DatasetService {
  const repo = createDatasetsRepo(deps.db)
  const batchSize = deps.batchSize ?? 5000
  const uploadsDir = join(deps.home, 'uploads')
  const jobs = new Map<string, { controller: AbortController; stagingId: string | null }>()
  let closed = false

  // Imports left half-done by a process that died are removed; live ones (another process) are not.
  // Best effort: on a full disk the removal itself cannot be written, and the app must still start.
  reclaimWal(deps.db)
  for (const s of repo.stagingImports()) {
    if (s.pid === null || !processAlive(s.pid)) bestEffort(() => repo.discard(s.id), 'removing an unfinished import')
  }
  removeAbandonedVersions(repo)
  void removeStaleUploads(uploadsDir)

  const toDataset = (r: DatasetRecord): Dataset => toDatasetView(r, repo.runsUsing(r.id))

  function mustGet(id: string): DatasetRecord & { version: VersionRecord } {
    const r = repo.get(id)
    if (!r || r.deletedAt !== null || r.status !== 'ready' || !r.version) throw new UserError(`Dataset "${id}" not found.`, 'not_found')
    return r as DatasetRecord & { version: VersionRecord }
  }

  const locate = (source: ImportSource) => locateSource(source, uploadsDir)

  function mappingFrom(options: ReadOptions | undefined, columns: string[], sample: Record<string, string>[]): ColumnMapping {
    const guess = guessColumns(columns, sample)
    const mapping: ColumnMapping = {
      textColumns: options?.textColumns ?? guess.textColumns,
      labelColumn: options?.labelColumn !== undefined ? options.labelColumn : guess.labelColumn,
      splitColumn: options?.splitColumn !== undefined ? options.splitColumn : guess.splitColumn,
    }
    if (mapping.splitColumn !== null && (mapping.textColumns.includes(mapping.splitColumn) || mapping.labelColumn === mapping.splitColumn)) {
      mapping.splitColumn = null
    }
    checkMapping(mapping, columns)
    return mapping
  }

  async function importFile(
    source: ImportSource,
    name?: string,
    options?: ReadOptions,
    onProgress?: (p: ImportProgress) => void,
    signal?: AbortSignal,
    onStaging?: (datasetId: string | null) => void,
  ): Promise<Dataset> {
    const where = await locate(source)
    const imageFolder = await readsImageFolder(where.path, options?.kind)
    const { reader, identity } = await openTable(where.path, { format: options?.format, encoding: options?.encoding, sheet: options?.sheet, shownName: where.shown, images: imageFolder })
    let stagingId: string | null = null
    const started = Date.now()
    try {
      const { head, all } = await peek(reader.records, 200)
      if (head.length === 0) throw new UserError(`"${where.shown}" has no data rows.`)
      const sample = head.map((r) => r.values)
      const kind = imageFolder ? 'image' : chooseKind(options, reader.columns, sample)
      const table = kind === 'table' ? planTable(options, reader.columns, sample) : null
      const images = kind === 'image' ? planImages(options, reader.columns, sample, { path: where.path, isFolder: identity.isFolder }) : null
      const mapping = table ?? images ? { textColumns: [], labelColumn: (table ?? images)!.labelColumn, splitColumn: (table ?? images)!.splitColumn } : mappingFrom(options, reader.columns, sample)
      const datasetId = newId('ds')
      const versionId = newId('dsv')
      const sourceInfo: SourceInfo = {
        fileName: where.shown,
        format: reader.format,
        encoding: reader.encoding,
        textColumns: mapping.textColumns,
        labelColumn: mapping.labelColumn,
        splitColumn: mapping.splitColumn,
        ...(reader.sheets ? { sheet: String(reader.details.sheet ?? '') } : {}),
        details: reader.details,
      }
      const createdAt = new Date().toISOString()
      const datasetName = name ?? (basename(where.shown, extname(where.shown)) || where.shown)
      repo.createStaging({ datasetId, versionId, name: datasetName, kind, columns: table?.columns ?? null, createdAt, pid: process.pid, source: sourceInfo })
      stagingId = datasetId
      onStaging?.(datasetId)

      const labelIndex = new LabelIndex()
      const labelIds = new IntList()
      const declared = new IntList()
      const hasher = new ContentHasher()
      let batch: RowRecord[] = []
      let rows = 0
      let texts = 0
      let lastProgress = 0
      const report = (final: boolean) => {
        if (!onProgress) return
        const now = Date.now()
        if (!final && now - lastProgress < progressEveryMs) return
        lastProgress = now
        const bytes = Math.min(reader.bytesRead(), reader.totalBytes)
        const elapsed = (now - started) / 1000
        const etaSec = final ? 0 : bytes > 0 && elapsed > 0.5 ? Math.max(0, (elapsed * (reader.totalBytes - bytes)) / bytes) : null
        onProgress({ rows, bytes, totalBytes: reader.totalBytes, etaSec })
      }
      const flush = () => {
        if (batch.length === 0) return
        repo.insertRows(versionId, batch)
        batch = []
      }
      for await (const rec of all as AsyncIterable<SourceRecord>) {
        if (signal?.aborted) throw new Cancelled()
        const row = table ? mapTableRecord(rec, table, where.shown) : images ? await mapImageRecord(rec, images, where.shown, deps.checkRead) : mapRecord(rec, mapping, where.shown)
        labelIds.push(labelIndex.idOf(row.label))
        declared.push(row.split ? splitCodes[row.split] : 0)
        const image = images ? (row as unknown as { cells: ImageCells }).cells : null
        hasher.add(image ? `${row.text}\u0000${image.sha256}` : row.text, row.label) // an image's content is its bytes
        if (image ? !image.error : row.text.trim() !== '') texts++
        batch.push({ idx: rows, text: row.text, label: row.label, split: row.split ?? 'train', ...('cells' in row ? { cells: row.cells as Record<string, string> } : {}) })
        rows++
        if (batch.length >= batchSize) {
          flush()
          report(false)
          if (signal?.aborted) throw new Cancelled()
        }
      }
      flush()
      if (signal?.aborted) throw new Cancelled()
      if (!identity.isFolder) await assertUnchanged(where.path, identity.size, identity.mtimeMs, where.shown)
      if (signal?.aborted) throw new Cancelled()
      if (rows === 0) throw new UserError(`"${where.shown}" has no data rows.`)
      if (table) checkTableLabels(table, labelIndex.names())
      else if (images) checkImageLabels(images, labelIndex.names(), texts)
      else if (texts === 0) {
        throw new UserError(`"${where.shown}" has no text: every row's ${mapping.textColumns.map((c) => `"${c}"`).join(' + ')} is empty. Choose the column that holds the texts.`)
      }

      const declaredCodes = new Uint8Array(declared.view())
      const { codes, note } = resolveSplits(labelIds.view(), declaredCodes, defaultSplit)
      const changes: { idx: number; split: SplitName }[] = []
      for (let i = 0; i < rows; i++) {
        const inserted = declaredCodes[i] || splitCodes.train
        if (codes[i] !== inserted) changes.push({ idx: i, split: splitByCode[codes[i]]! })
      }
      for (let i = 0; i < changes.length; i += batchSize * 4) {
        if (signal?.aborted) throw new Cancelled()
        repo.setSplits(versionId, changes.slice(i, i + batchSize * 4))
        await pause(deps.versionWrite?.pauseMs)
      }
      const contentHash = hasher.finish(codes)
      const summary = summarizeRows(labelIndex.names(), labelIds.view(), codes)
      report(true)
      if (signal?.aborted) throw new Cancelled()
      const existing = repo.findByContentHash(contentHash, datasetId)
      if (existing) {
        repo.discard(datasetId)
        stagingId = null
        onStaging?.(null)
        if (where.uploadDir) await rm(where.uploadDir, { recursive: true, force: true })
        return { ...toDataset(mustGet(existing)), alreadyImported: true }
      }
      const split: SplitInfo = { ...defaultSplit, note }
      repo.completeImport(datasetId, versionId, { contentHash, rowCount: rows, summary }, split)
      stagingId = null
      onStaging?.(null)
      if (where.uploadDir) await rm(where.uploadDir, { recursive: true, force: true })
      return toDataset(mustGet(datasetId))
    } catch (err) {
      const full = isDiskFull(err)
      if (stagingId && !closed) {
        // After a full disk, first give the WAL's space back so the removal has room to be written.
        if (full) reclaimWal(deps.db)
        // What cannot be removed now, the process-id check at the next start removes.
        if (bestEffort(() => repo.discard(stagingId!), 'removing the failed import') && full) reclaimWal(deps.db)
      }
      if (full) throw diskFullError(deps.home, 3 * reader.totalBytes, 'The import')
      throw err
    } finally {
      reader.close()
    }
  }

  /** Write a new version from the current one: each row mapped (or dropped with null), in short transactions (derived-version.ts). */
  async function deriveVersion(d: DatasetRecord & { version: VersionRecord }, split: SplitInfo | null, note: string, map: (r: RowRecord, position: number) => RowRecord | null): Promise<string> {
    const versionId = newId('dsv')
    try {
      await writeDerivedVersion(repo, { versionId, dataset: d, split, note }, map, deps.versionWrite)
    } catch (err) {
      // The version stays unpublished until complete: a full disk leaves the dataset exactly as it was.
      if (isDiskFull(err)) {
        reclaimWal(deps.db)
        throw diskFullError(deps.home, 0, 'The new version')
      }
      throw err
    }
    return versionId
  }

  async function facts(versionId: string, table?: TableFacts | null, images?: ImageFacts | null) {
    const b = new FactsBuilder()
    await scanRows(repo, versionId, (r) => (b.add(images ? imageFactsRow(r) : r), table?.add(r.cells), images?.add(r.cells)))
    return b.finish()
  }

  const handlers: WorkbenchHandlers['datasets'] = {
    list: () => repo.list().map(toDataset),

    get: ({ id }) => toDataset(mustGet(id)),

    upload: ({ fileName, data }) => saveUpload(uploadsDir, fileName, [data]),

    async inspect({ source, options }) {
      const where = await locate(source)
      const images = await readsImageFolder(where.path, options?.kind ?? 'auto')
      const { reader } = await openTable(where.path, { format: options?.format, encoding: options?.encoding, sheet: options?.sheet, shownName: where.shown, images })
      try {
        const { head } = await peek(reader.records, 200)
        const sample = head.map((r) => r.values)
        const guess = guessColumns(reader.columns, sample)
        const tableColumns = guessTableColumns(reader.columns, sample)
        return {
          kind: suggestKind(reader.columns, sample, tableColumns, [guess.splitColumn]),
          tableColumns,
          format: reader.format,
          encoding: reader.encoding,
          encodingCandidates: reader.encodingCandidates,
          ...(reader.sheets ? { sheets: reader.sheets } : {}),
          columns: reader.columns,
          guess,
          rows: sample.slice(0, 20),
          totalBytes: reader.totalBytes,
          details: reader.details,
        }
      } finally {
        reader.close()
      }
    },

    async import({ source, name, options }) {
      const where = await locate(source)
      try {
        await stat(where.path)
      } catch {
        throw new UserError(`"${where.shown}" does not exist.`, 'not_found')
      }
      const jobId = newId('imp')
      const job = { controller: new AbortController(), stagingId: null as string | null }
      jobs.set(jobId, job)
      const progress = (p: ImportProgress) => deps.emit({ type: 'progress', jobId, ...p })
      void importFile(source, name, options, progress, job.controller.signal, (id) => (job.stagingId = id))
        .then((d) => deps.emit({ type: 'done', jobId, datasetId: d.id, ...(d.alreadyImported ? { alreadyImported: true } : {}) }))
        .catch((err: unknown) => deps.emit({ type: 'error', jobId, message: err instanceof UserError ? err.message : `The import failed: ${(err as Error)?.message ?? String(err)}` }))
        .finally(() => jobs.delete(jobId))
      return { jobId }
    },

    cancelImport({ jobId }) {
      const job = jobs.get(jobId)
      if (!job) throw new UserError(`No import "${jobId}" is running.`, 'not_found')
      job.controller.abort()
    },

    thumbnails: async ({ id, indices }) => imageThumbnails(repo.rowsByIdx(mustGet(id).version.id, indices)),

    preview({ id, offset, limit, split }) {
      const d = mustGet(id)
      const rows: DatasetRow[] = repo.page(d.version.id, offset, limit, split).map((r) => ({ index: r.idx, text: r.text, label: r.label, split: r.split, ...(r.cells ? { cells: r.cells } : {}) }))
      return { rows, total: repo.count(d.version.id, split) }
    },

    async doctor({ id, seqLen }) {
      const d = mustGet(id)
      const table = d.kind === 'table' && d.version.columns ? new TableFacts(d.version.columns) : null
      const images = d.kind === 'image' ? new ImageFacts() : null
      const f = await facts(d.version.id, table, images)
      const shared = diagnose(f, {
        seqLen: seqLen ?? defaultSeqLen,
        splitFromColumn: d.version.source.splitColumn !== null && (d.version.split?.note ?? '').includes('split column'),
        oversampled: d.version.split?.oversample === true,
      })
      const only = table ?? images
      const drafts = only ? [...only.finish(), ...shared.filter((x) => !(table ? textOnlyFindings : textOnlyImageFindings).has(x.id))] : shared
      const wanted = [...new Set(drafts.flatMap((x) => x.examples.map((p) => f.idx[p])))]
      const byIdx = new Map(repo.rowsByIdx(d.version.id, wanted).map((r) => [r.idx, r]))
      const findings = drafts.map((x) => ({
        ...x,
        examples: x.examples.map((p) => {
          const r = byIdx.get(f.idx[p])!
          return { index: r.idx, text: r.text.length > exampleChars ? `${r.text.slice(0, exampleChars)}…` : r.text, label: r.label }
        }),
      }))
      return { datasetId: d.id, versionId: d.version.id, ok: !findings.some((x) => x.severity === 'blocking'), findings }
    },

    async fix({ id, fixes }) {
      const d = mustGet(id)
      const f = await facts(d.version.id, null, d.kind === 'image' ? new ImageFacts() : null)
      const plan = planFixes(f, fixes, d.version.split?.oversample === true)
      if (plan.changes === 0) throw new UserError(`Nothing to change: ${fixes.join(', ')} found nothing to fix in this version.`, 'conflict')
      const split: SplitInfo = { ...(d.version.split ?? { ...defaultSplit, note: 'stratified' }), ...(plan.oversample ? { oversample: true } : {}) }
      await deriveVersion(d, split, `fixed: ${plan.notes.join('; ')}`, (r, p) => (plan.keep[p] ? { ...r, label: plan.labels[p] } : null))
      return toDataset(mustGet(id))
    },

    async split({ id, ratios }) {
      const d = mustGet(id)
      const spec: SplitSpec = checkSplitSpec(ratios)
      const groupIds: number[] = []
      const labelIndex = new LabelIndex()
      await scanRows(repo, d.version.id, (r) => {
        groupIds.push(labelIndex.idOf(r.label))
      })
      const codes = stratifiedSplit(groupIds, spec)
      const split: SplitInfo = { ...ratios, note: `stratified (seed ${ratios.seed})`, ...(d.version.split?.oversample ? { oversample: true } : {}) }
      await deriveVersion(d, split, `re-split ${Math.round(ratios.train * 100)}/${Math.round(ratios.validation * 100)}/${Math.round(ratios.test * 100)}, seed ${ratios.seed}`, (r, p) => ({ ...r, split: splitByCode[codes[p]] }))
      return toDataset(mustGet(id))
    },

    async stats({ id, seqLen }) {
      const d = mustGet(id)
      const lengths: number[] = []
      await scanRows(repo, d.version.id, (r) => lengths.push(countTokens(r.text)))
      const limit = seqLen ?? defaultSeqLen
      const summary = d.version.summary ?? { labels: [], labelCounts: {}, splitCounts: {} }
      return {
        labelCounts: summary.labelCounts,
        splitCounts: summary.splitCounts,
        lengthHistogram: lengthHistogram(lengths, limit),
        overSeqLen: lengths.filter((l) => l > limit).length,
      }
    },

    rename({ id, name }) {
      mustGet(id)
      repo.rename(id, name.trim() || name)
      return toDataset(mustGet(id))
    },

    async setColumns({ id, roles }) {
      const d = mustGet(id)
      if (d.kind !== 'table' || !d.version.columns) throw new UserError(`"${d.name}" holds ${d.kind}s: only a table's columns have roles.`, 'conflict')
      const plan = retypeColumns(d.version.columns, roles)
      const labels = new Set<string>()
      await scanRows(repo, d.version.id, (r) => void (relabelRow(r, plan).label !== null && labels.add(relabelRow(r, plan).label!)))
      checkTableLabels(plan, [...labels])
      const changed = Object.keys(roles).map((c) => `${c} -> ${roles[c]}`).join(', ')
      await deriveVersion({ ...d, version: { ...d.version, columns: plan.columns } }, d.version.split, `columns: ${changed}`, (r) => relabelRow(r, plan))
      return toDataset(mustGet(id))
    },

    delete({ id, force }) {
      mustGet(id)
      const runsUsing = repo.runsUsing(id)
      if (runsUsing > 0 && !force) return { deleted: false, runsUsing }
      // Runs keep pointing at their versions, so a dataset in use is only hidden.
      if (runsUsing > 0) repo.softDelete(id, new Date().toISOString())
      else repo.discard(id)
      return { deleted: true, runsUsing }
    },
  }

  return {
    ...handlers,
    importFile: (source, name, options, onProgress, signal) => importFile(source, name, options, onProgress, signal),

    resolveVersion(datasetId) {
      const d = mustGet(datasetId)
      return { datasetId: d.id, versionId: d.version.id, kind: d.kind }
    },

    loadSplitRows: (versionId) => loadSplitRows(repo, versionId),

    close() {
      closed = true
      for (const job of jobs.values()) {
        job.controller.abort()
        if (job.stagingId) {
          try {
            repo.discard(job.stagingId)
          } catch {
            // Removed at the next start instead.
          }
        }
      }
      jobs.clear()
    },
  }
}
