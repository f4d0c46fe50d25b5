// Dataset verbs: import, datasets list/show, doctor (findings and fix ids), fix.
import { resolve } from 'node:path'
import { UserError, type DoctorReport } from '../../../shared/api'
import type { Dataset, DatasetEvent } from '../../../shared/domain'
import { importFormats, isImportFormat } from '../../../shared/formats'
import { importKinds, type ImportKind } from '../../../shared/dataset-kinds'
import { tableColumnKinds, type TableColumnKind } from '../../../shared/table-guess'
import { table } from '../format'
import { createProgress } from '../progress'
import { defineVerb, need, type VerbContext } from '../verb'

/** `--role COL=KIND` flags as a column -> role map (tables). */
function parseRoles(flags: string[] | undefined): Record<string, TableColumnKind> | undefined {
  if (!flags?.length) return undefined
  const roles: Record<string, TableColumnKind> = {}
  for (const f of flags) {
    const at = f.lastIndexOf('=')
    const kind = f.slice(at + 1).trim()
    if (at <= 0 || !(tableColumnKinds as readonly string[]).includes(kind)) {
      throw new UserError(`--role "${f}" should be COLUMN=KIND with KIND one of: ${tableColumnKinds.join(', ')}.`)
    }
    roles[f.slice(0, at)] = kind as TableColumnKind
  }
  return roles
}

const importOptions = {
  kind: { type: 'string' },
  role: { type: 'string', multiple: true },
  name: { type: 'string' },
  'text-col': { type: 'string', multiple: true },
  'label-col': { type: 'string' },
  'split-col': { type: 'string' },
  format: { type: 'string' },
  encoding: { type: 'string' },
} as const
type ImportOptions = typeof importOptions

const importSpec = (words: string[]) => ({
  words,
  usage: `PATH [--name N] [--kind ${importKinds.join('|')}] [--text-col C]... [--label-col L] [--split-col S] [--role COL=KIND]... [--format ${importFormats.join('|')}] [--encoding E]`,
  summary: 'Import a file or a folder-per-label as a new dataset of texts, a table or images (auto: as the columns or files suggest); columns and encoding are detected when not given.',
  options: importOptions,
  async run({ api, flags, args, out, tty }: VerbContext<ImportOptions>) {
    const path = need(args[0], 'the file or folder to import (workbench import PATH)')
    const format = flags.format
    if (format !== undefined && !isImportFormat(format)) throw new UserError(`Unknown format "${format}". Choose one of: ${importFormats.join(', ')}.`)
    const kind = (flags.kind ?? 'auto') as ImportKind
    if (!importKinds.includes(kind)) throw new UserError(`Unknown kind "${flags.kind}". Choose one of: ${importKinds.join(', ')}.`)
    const progress = createProgress(tty)
    let jobId: string | null = null
    const early: DatasetEvent[] = []
    let settle: ((e: DatasetEvent) => void) | null = null
    const stop = api.subscribe('dataset', (e) => (settle ? settle(e) : early.push(e)))
    try {
      ;({ jobId } = await api.datasets.import({
        source: { kind: 'path', path: resolve(path) },
        name: flags.name,
        options: { format, encoding: flags.encoding, textColumns: flags['text-col'], labelColumn: flags['label-col'], splitColumn: flags['split-col'], kind, columnRoles: parseRoles(flags.role) },
      }))
      const onSigint = () => void api.datasets.cancelImport({ jobId: jobId! }).catch(() => {})
      process.once('SIGINT', onSigint)
      const datasetId = await new Promise<string>((done, fail) => {
        settle = (e) => {
          if (e.jobId !== jobId) return
          if (e.type === 'progress') progress.update(e.bytes / Math.max(1, e.totalBytes), `imported ${e.rows} rows`)
          else if (e.type === 'done') done(e.datasetId)
          else fail(new UserError(e.message))
        }
        for (const e of early.splice(0)) settle(e)
      }).finally(() => process.off('SIGINT', onSigint))
      progress.done()
      const ds = await api.datasets.get({ id: datasetId })
      await out.result(ds, () => `Imported "${ds.name}" (${ds.id}) as ${ds.kind}: ${ds.rowCount} rows, labels ${ds.labels.join(', ')}${ds.columns ? `\n${describeColumns(ds)}` : ''}`)
      return 0
    } finally {
      stop()
    }
  },
})

const importVerb = defineVerb(importSpec(['import']))
const datasetsImport = defineVerb(importSpec(['datasets', 'import']))

/** A table's columns, one line each: role and why. */
const describeColumns = (d: Dataset) => (d.columns ?? []).map((c) => `  ${c.name}: ${c.kind}. ${c.reason}`).join('\n')

const datasetsColumns = defineVerb({
  words: ['datasets', 'columns'],
  usage: 'ID [--role COL=KIND]...',
  summary: "Show a table's column roles and why each was chosen; --role changes some (a new version).",
  options: { role: { type: 'string', multiple: true } },
  async run({ api, args, flags, out }) {
    const id = need(args[0], 'a dataset id (workbench datasets columns ID)')
    const roles = parseRoles(flags.role)
    const d = roles ? await api.datasets.setColumns({ id, roles }) : await api.datasets.get({ id })
    if (d.kind !== 'table') throw new UserError(`"${d.name}" holds ${d.kind}s: only a table's columns have roles.`)
    await out.result(d, () => `${d.name} (${d.id}) columns:\n${describeColumns(d)}`)
    return 0
  },
})

const datasetsList = defineVerb({
  words: ['datasets', 'list'],
  usage: '',
  summary: 'List the datasets in the data folder.',
  options: {},
  async run({ api, out }) {
    const rows = await api.datasets.list()
    await out.result(rows, () =>
      rows.length
        ? table([['id', 'name', 'rows', 'labels', 'created'], ...rows.map((d) => [d.id, d.name, String(d.rowCount), String(d.labels.length), d.createdAt])])
        : 'No datasets yet. Import one with: workbench import FILE',
    )
    return 0
  },
})

const describeDataset = (d: Dataset) =>
  `${d.name} (${d.id})\nkind: ${d.kind}\nrows: ${d.rowCount}\nlabels: ${Object.entries(d.labelCounts).map(([k, v]) => `${k} ${v}`).join(', ')}\nsplits: ${Object.entries(d.splitCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`

const datasetsShow = defineVerb({
  words: ['datasets', 'show'],
  usage: 'ID',
  summary: "Show a dataset's rows, labels and splits.",
  options: {},
  async run({ api, args, out }) {
    const d = await api.datasets.get({ id: need(args[0], 'a dataset id (workbench datasets show ID)') })
    await out.result(d, () => describeDataset(d))
    return 0
  },
})

/** The doctor's report for people: one block per finding, with the fix ids to pass to `fix`. */
export function describeReport(r: DoctorReport): string {
  if (!r.findings.length) return 'No problems found.'
  const blocks = r.findings.map((f) => {
    const lines = [`[${f.severity}] ${f.title} (${f.count})`, `  ${f.detail}`]
    for (const x of f.examples.slice(0, 3)) lines.push(`  e.g. row ${x.index}: ${x.text.length > 70 ? x.text.slice(0, 69) + '…' : x.text}${x.label !== null ? ` -> ${x.label}` : ''}`)
    for (const fix of f.fixes) lines.push(`  fix: ${fix.id}  (${fix.label})`)
    return lines.join('\n')
  })
  const verdict = r.ok ? 'Ready to train.' : 'Blocking problems: fix them before training.'
  return `${blocks.join('\n\n')}\n\n${verdict} Apply a fix with: workbench fix ${r.datasetId} FIX_ID`
}

const doctor = defineVerb({
  words: ['doctor'],
  usage: 'DATASET [--seq-len N]',
  summary: 'Check a dataset for problems (empty texts, duplicates, conflicting labels, tiny classes, imbalance, leakage); lists fix ids.',
  options: { 'seq-len': { type: 'string' } },
  async run({ api, args, flags, out }) {
    const id = need(args[0], 'a dataset id (workbench doctor DATASET)')
    const seqLen = flags['seq-len'] === undefined ? undefined : Number(flags['seq-len'])
    if (seqLen !== undefined && !Number.isInteger(seqLen)) throw new UserError('--seq-len must be a whole number.')
    const report = await api.datasets.doctor({ id, seqLen })
    await out.result(report, () => describeReport(report))
    return 0
  },
})

const fix = defineVerb({
  words: ['fix'],
  usage: 'DATASET FIX_ID...',
  summary: 'Apply one or more of the doctor\'s fixes; the result is a new version of the dataset (the old one is kept).',
  options: {},
  async run({ api, args, out }) {
    const id = need(args[0], 'a dataset id (workbench fix DATASET FIX_ID)')
    const fixes = args.slice(1)
    if (!fixes.length) throw new UserError(`Missing the fix to apply. List them with: workbench doctor ${id}`)
    const d = await api.datasets.fix({ id, fixes })
    await out.result(d, () => `Applied ${fixes.join(', ')}: "${d.name}" now has ${d.rowCount} rows.\n${describeDataset(d)}`)
    return 0
  },
})

/** Dataset verbs, in help order. */
export const datasetVerbs = [importVerb, datasetsImport, datasetsList, datasetsShow, datasetsColumns, doctor, fix]
