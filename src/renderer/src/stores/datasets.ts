// Datasets: the list, the import wizard's state, and each dataset's doctor report, stats and preview.
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { DatasetRow, DatasetStats, DoctorReport, ImportSource, InspectResult } from '../../../shared/api'
import type { Dataset, DatasetEvent } from '../../../shared/domain'
import type { DatasetKind } from '../../../shared/dataset-kinds'
import type { TableColumnKind } from '../../../shared/table-guess'
import type { ImportFormat } from '../../../shared/formats'
import { errorMessage, useApi } from '../api'
import { trackedActions } from '../lib/tracked-actions'

/** Where the wizard reads from: the contract's import source. */
export type WizardSource = ImportSource

/** Read options the user can change in the wizard. */
export interface WizardOptions {
  format?: ImportFormat
  encoding?: string
  sheet?: string
  textColumns: string[]
  labelColumn: string | null
  splitColumn: string | null
  /** Texts or a table (the guesser's suggestion until the user changes it). */
  kind: DatasetKind
  /** Tables: the role of every column (the guesser's, as the user edits them). */
  columnRoles: Record<string, TableColumnKind>
}

/** True when the wizard's choices can be imported: a text column for texts, one label and a feature for tables. */
export function wizardReady(o: WizardOptions): boolean {
  if (o.kind === 'text') return o.textColumns.length > 0
  if (o.kind === 'image') return true // the image and label columns are guessed, and refused in a sentence when missing
  const roles = Object.values(o.columnRoles)
  return roles.filter((r) => r === 'label').length === 1 && roles.some((r) => r === 'numeric' || r === 'categorical')
}

/** The import wizard, step by step. */
export interface ImportWizard {
  step: 'source' | 'columns' | 'importing' | 'done'
  busy: boolean
  sourceName: string
  source: WizardSource | null
  inspect: InspectResult | null
  options: WizardOptions
  name: string
  jobId: string | null
  progress: { rows: number; bytes: number; totalBytes: number; etaSec: number | null } | null
  error: string | null
  datasetId: string | null
}

function emptyWizard(): ImportWizard {
  return {
    step: 'source',
    busy: false,
    sourceName: '',
    source: null,
    inspect: null,
    options: { textColumns: [], labelColumn: null, splitColumn: null, kind: 'text', columnRoles: {} },
    name: '',
    jobId: null,
    progress: null,
    error: null,
    datasetId: null,
  }
}

function baseName(name: string): string {
  const last = name.split(/[\\/]/).filter(Boolean).pop() ?? name
  return last.replace(/\.(csv|tsv|txt|jsonl?|xlsx)$/i, '') || last
}

/** Datasets and the import wizard. */
export const useDatasetsStore = defineStore('datasets', () => {
  const list = ref<Dataset[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  const wizard = reactive<ImportWizard>(emptyWizard())
  const doctor = reactive<Record<string, DoctorReport>>({})
  const stats = reactive<Record<string, DatasetStats>>({})
  const preview = reactive<Record<string, { rows: DatasetRow[]; total: number; offset: number }>>({})
  /** Image datasets: thumbnails (data URLs) of the previewed rows, by dataset and row index. */
  const thumbnails = reactive<Record<string, Record<number, string>>>({})
  /** Errors per dataset and action, shown next to what failed. */
  const { busy, actionError, run: withAction } = trackedActions()
  let unsubscribe: (() => void) | null = null
  // Events that arrive while an import is being started, before its job id is known (a small
  // file can finish before the call returns); replayed once the id arrives.
  let starting = false
  const early: DatasetEvent[] = []

  const byId = computed(() => new Map(list.value.map((d) => [d.id, d])))

  /** Listen to import progress (idempotent). */
  function subscribe(): void {
    if (unsubscribe) return
    unsubscribe = useApi().subscribe('dataset', onEvent)
  }

  function onEvent(e: DatasetEvent): void {
    if (starting && !wizard.jobId) {
      early.push(e)
      return
    }
    if (e.jobId !== wizard.jobId) {
      if (e.type === 'done') void refresh()
      return
    }
    if (e.type === 'progress') {
      wizard.progress = { rows: e.rows, bytes: e.bytes, totalBytes: e.totalBytes, etaSec: e.etaSec }
    } else if (e.type === 'done') {
      wizard.step = 'done'
      wizard.datasetId = e.datasetId
      wizard.busy = false
      void refresh()
    } else if (e.type === 'error') {
      wizard.error = e.message
      wizard.step = 'columns'
      wizard.busy = false
      wizard.jobId = null
    }
  }

  async function refresh(): Promise<void> {
    loading.value = true
    try {
      list.value = await useApi().datasets.list()
      error.value = null
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  function resetWizard(): void {
    Object.assign(wizard, emptyWizard())
  }

  async function inspectSource(): Promise<void> {
    if (!wizard.source) return
    wizard.busy = true
    wizard.error = null
    try {
      const o = wizard.options
      const result = await useApi().datasets.inspect({
        source: wizard.source,
        options: { format: o.format, encoding: o.encoding, sheet: o.sheet },
      })
      wizard.inspect = result
      wizard.options.textColumns = result.guess.textColumns.slice()
      wizard.options.labelColumn = result.guess.labelColumn
      wizard.options.splitColumn = result.guess.splitColumn
      wizard.options.encoding = result.encoding
      wizard.options.kind = result.kind.kind
      wizard.options.columnRoles = Object.fromEntries(result.tableColumns.map((c) => [c.name, c.kind]))
      wizard.step = 'columns'
    } catch (err) {
      wizard.error = errorMessage(err)
    } finally {
      wizard.busy = false
    }
  }

  /** Stage a file the user dropped or picked, then inspect it. */
  async function chooseFile(file: { name: string; arrayBuffer(): Promise<ArrayBuffer> }): Promise<void> {
    resetWizard()
    wizard.busy = true
    wizard.sourceName = file.name
    wizard.name = baseName(file.name)
    try {
      const data = new Uint8Array(await file.arrayBuffer())
      const { uploadId } = await useApi().datasets.upload({ fileName: file.name, data })
      wizard.source = { kind: 'upload', uploadId }
    } catch (err) {
      wizard.error = errorMessage(err)
      wizard.busy = false
      return
    }
    await inspectSource()
  }

  /** Read a file or folder by its path on the machine running the services. */
  async function choosePath(path: string): Promise<void> {
    resetWizard()
    const p = path.trim()
    if (!p) return
    wizard.sourceName = p
    wizard.name = baseName(p)
    wizard.source = { kind: 'path', path: p }
    await inspectSource()
  }

  /** Re-read with a different encoding or sheet, keeping the column choice where possible. */
  async function changeReadOptions(patch: Partial<Pick<WizardOptions, 'encoding' | 'sheet' | 'format'>>): Promise<void> {
    const keep = { ...wizard.options }
    Object.assign(wizard.options, patch)
    await inspectSource()
    const cols = wizard.inspect?.columns ?? []
    const kept = keep.textColumns.filter((c) => cols.includes(c))
    if (kept.length) wizard.options.textColumns = kept
    if (keep.labelColumn && cols.includes(keep.labelColumn)) wizard.options.labelColumn = keep.labelColumn
  }

  async function startImport(): Promise<void> {
    if (!wizard.source || !wizardReady(wizard.options)) return
    wizard.busy = true
    wizard.error = null
    wizard.progress = null
    subscribe()
    starting = true
    early.length = 0
    try {
      const o = wizard.options
      const { jobId } = await useApi().datasets.import({
        source: wizard.source,
        name: wizard.name.trim() || undefined,
        options:
          o.kind === 'table'
            ? { format: o.format, encoding: o.encoding, sheet: o.sheet, kind: 'table', columnRoles: { ...o.columnRoles }, splitColumn: o.splitColumn }
            : o.kind === 'image'
              ? { format: o.format, encoding: o.encoding, sheet: o.sheet, kind: 'image', ...(o.labelColumn ? { labelColumn: o.labelColumn } : {}), splitColumn: o.splitColumn }
              : { format: o.format, encoding: o.encoding, sheet: o.sheet, kind: 'text', textColumns: o.textColumns, labelColumn: o.labelColumn, splitColumn: o.splitColumn },
      })
      wizard.jobId = jobId
      wizard.step = 'importing'
      starting = false
      for (const e of early.splice(0)) onEvent(e)
    } catch (err) {
      wizard.error = errorMessage(err)
      wizard.busy = false
    } finally {
      starting = false
      for (const e of early.splice(0)) onEvent(e)
    }
  }

  async function cancelImport(): Promise<void> {
    if (!wizard.jobId) return
    try {
      await useApi().datasets.cancelImport({ jobId: wizard.jobId })
    } catch (err) {
      wizard.error = errorMessage(err)
    }
    wizard.jobId = null
    wizard.busy = false
    wizard.step = 'columns'
  }



  function replace(d: Dataset): void {
    const i = list.value.findIndex((x) => x.id === d.id)
    if (i >= 0) list.value.splice(i, 1, d)
    else list.value.unshift(d)
  }

  async function loadDoctor(id: string, seqLen?: number): Promise<void> {
    await withAction(id, 'doctor', async () => {
      doctor[id] = await useApi().datasets.doctor({ id, seqLen })
    })
  }

  async function loadStats(id: string, seqLen?: number): Promise<void> {
    await withAction(id, 'stats', async () => {
      stats[id] = await useApi().datasets.stats({ id, seqLen })
    })
  }

  async function loadPreview(id: string, offset = 0, limit = 50): Promise<void> {
    await withAction(id, 'preview', async () => {
      const r = await useApi().datasets.preview({ id, offset, limit })
      preview[id] = { ...r, offset }
      if (byId.value.get(id)?.kind === 'image' && r.rows.length) {
        const thumbs = await useApi().datasets.thumbnails({ id, indices: r.rows.map((row) => row.index) })
        thumbnails[id] = Object.fromEntries(thumbs.filter((x) => x.url).map((x) => [x.index, x.url!]))
      }
    })
  }

  /** Apply one-click fixes, then re-check. */
  async function applyFixes(id: string, fixes: string[]): Promise<boolean> {
    const d = await withAction(id, 'fix', () => useApi().datasets.fix({ id, fixes }))
    if (!d) return false
    replace(d)
    await Promise.all([loadDoctor(id), loadStats(id), loadPreview(id)])
    return true
  }

  async function split(id: string, ratios: { train: number; validation: number; test: number; seed: number }): Promise<boolean> {
    const d = await withAction(id, 'split', () => useApi().datasets.split({ id, ratios }))
    if (!d) return false
    replace(d)
    await loadStats(id)
    return true
  }

  /** Tables: change some columns' roles (a new version), then re-check. */
  async function setColumns(id: string, roles: Record<string, TableColumnKind>): Promise<boolean> {
    const d = await withAction(id, 'columns', () => useApi().datasets.setColumns({ id, roles }))
    if (!d) return false
    replace(d)
    await Promise.all([loadDoctor(id), loadStats(id), loadPreview(id)])
    return true
  }

  async function rename(id: string, name: string): Promise<boolean> {
    const d = await withAction(id, 'rename', () => useApi().datasets.rename({ id, name }))
    if (d) replace(d)
    return !!d
  }

  /** Delete; when runs use it the services answer without deleting unless `force`. */
  async function remove(id: string, force = false): Promise<{ deleted: boolean; runsUsing: number } | undefined> {
    const r = await withAction(id, 'delete', () => useApi().datasets.delete({ id, force }))
    if (r?.deleted) list.value = list.value.filter((d) => d.id !== id)
    return r
  }

  return {
    setColumns,
    list,
    loading,
    error,
    wizard,
    doctor,
    stats,
    preview,
    thumbnails,
    actionError,
    busy,
    byId,
    subscribe,
    refresh,
    resetWizard,
    chooseFile,
    choosePath,
    changeReadOptions,
    startImport,
    cancelImport,
    loadDoctor,
    loadStats,
    loadPreview,
    applyFixes,
    split,
    rename,
    remove,
  }
})
