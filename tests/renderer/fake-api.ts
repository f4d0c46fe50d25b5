// An in-memory WorkbenchApi for store and component tests: it keeps datasets and runs, records
// every call, emits events on demand, and can be told to fail a method.
import type { AutoResult } from '../../src/shared/auto'
import { ApiError, type ApiErrorCode } from '../../src/renderer/src/api/api-error'
import type { WorkbenchApi } from '../../src/shared/api'
import { diagnose } from '../../src/main/data/doctor'
import { FactsBuilder } from '../../src/main/data/row-facts'
import type { StoredRow } from '../../src/main/data/types'
import { resolveConfig } from '../../src/shared/config'
import type { AppInfo, Dataset, DatasetEvent, MetricPoint, Run, RunEvent, WorkbenchEvents } from '../../src/shared/domain'
import type { DoctorReport } from '../../src/shared/api'

type Listener = (e: unknown) => void

/** Rows the fake's datasets hold for the doctor: one label spelled two ways, and one duplicate. */
export const doctorRows: StoredRow[] = [
  ...Array.from({ length: 30 }, (_, i) => ({ idx: i, text: `a fine film number ${i}`, label: i < 3 ? 'Pos' : 'pos', split: 'train' as const })),
  ...Array.from({ length: 30 }, (_, i) => ({ idx: 30 + i, text: `a dull film number ${i}`, label: 'neg', split: 'train' as const })),
  { idx: 60, text: 'a dull film number 0', label: 'neg', split: 'train' },
]

/** What the real doctor reports on `doctorRows`, so tests use the finding and fix ids it really emits. */
function realDoctorReport(datasetId: string): DoctorReport {
  const b = new FactsBuilder()
  for (const r of doctorRows) b.add(r)
  const facts = b.finish()
  const findings = diagnose(facts, { seqLen: 128, splitFromColumn: false, oversampled: false }).map((f) => ({
    ...f,
    examples: f.examples.map((pos) => ({ index: facts.idx[pos]!, text: doctorRows[pos]!.text, label: doctorRows[pos]!.label })),
  }))
  return { datasetId, versionId: 'v1', ok: !findings.some((f) => f.severity === 'blocking'), findings }
}

/** A fake API plus handles to drive it from a test. */
export interface FakeApi {
  api: WorkbenchApi
  calls: { name: string; input: unknown }[]
  datasets: Dataset[]
  runs: Run[]
  metrics: Record<string, MetricPoint[]>
  /** Auto searches started through the fake (tests may edit them to move a search along). */
  autos: AutoResult[]
  info: AppInfo
  /** Make `group.method` reject with this message and code (until cleared with null). */
  failWith(name: string, message: string | null, code?: ApiErrorCode): void
  /** Run `hook` with a method's result just before the caller gets it (races, side effects). */
  after(name: string, hook: ((result: unknown) => void) | null): void
  emit<K extends keyof WorkbenchEvents>(channel: K, event: WorkbenchEvents[K]): void
  listenerCount(channel: keyof WorkbenchEvents): number
}

/** A dataset with sensible defaults. */
export function makeDataset(over: Partial<Dataset> = {}): Dataset {
  return {
    id: 'd1',
    name: 'reviews',
    status: 'ready',
    kind: 'text',
    createdAt: '2025-01-01T10:00:00.000Z',
    versionId: 'v1',
    versions: 1,
    rowCount: 120,
    labels: ['neg', 'pos'],
    labelCounts: { neg: 60, pos: 60 },
    splitCounts: { train: 96, validation: 12, test: 12 },
    source: { fileName: 'reviews.csv', format: 'csv', encoding: 'utf-8', textColumns: ['text'], labelColumn: 'label' },
    contentHash: 'abc',
    runCount: 0,
    ...over,
  }
}

/** A run with sensible defaults. */
export function makeRun(over: Partial<Run> = {}): Run {
  return {
    id: 'r1',
    name: 'first',
    status: 'completed',
    createdAt: '2025-01-01T10:00:00.000Z',
    startedAt: '2025-01-01T10:00:01.000Z',
    finishedAt: '2025-01-01T10:01:00.000Z',
    datasetId: 'd1',
    datasetVersionId: 'v1',
    config: resolveConfig('quick'),
    backend: 'wasm',
    parentRunId: null,
    parentKind: null,
    sweepId: null,
    error: null,
    metrics: {
      accuracy: 0.8,
      macroF1: 0.79,
      weightedF1: 0.8,
      loss: 0.45,
      perClass: { neg: { precision: 0.8, recall: 0.8, f1: 0.8, support: 6 }, pos: { precision: 0.8, recall: 0.8, f1: 0.8, support: 6 } },
      confusion: [
        [5, 1],
        [1, 5],
      ],
      labels: ['neg', 'pos'],
    },
    progress: null,
    notes: '',
    tags: [],
    starred: false,
    ...over,
  }
}

/** Build a fresh fake. */
export function createFakeApi(): FakeApi {
  const listeners = new Map<string, Set<Listener>>()
  const failures = new Map<string, { message: string; code: ApiErrorCode }>()
  const calls: FakeApi['calls'] = []
  const hooks = new Map<string, (result: unknown) => void>()
  let nextId = 1
  const state = {
    datasets: [] as Dataset[],
    runs: [] as Run[],
    autos: [] as AutoResult[],
    metrics: {} as Record<string, MetricPoint[]>,
    info: {
      name: 'Attention Workbench',
      version: '0.1.0',
      mode: 'web',
      home: '/home/u/.workbench',
      platform: 'linux-x64',
      nodeVersion: '24.0.0',
      backend: { name: 'wasm', description: 'WebAssembly (SIMD, 1 thread)', skipped: [] },
      sampleDataset: { path: '/res/sample.csv', name: 'sample' },
    } as AppInfo,
  }

  function emit(channel: string, event: unknown): void {
    for (const l of listeners.get(channel) ?? []) l(event)
  }

  async function call<T>(name: string, input: unknown, fn: () => T | Promise<T>): Promise<T> {
    calls.push({ name, input })
    await Promise.resolve()
    const failure = failures.get(name)
    if (failure) throw new ApiError(failure.message, failure.code)
    const result = structuredClone(await fn())
    hooks.get(name)?.(result)
    return result
  }

  /** Another dataset scored the way the service does: every row with a label the model knows; none in common is refused. */
  function evaluateOther(runId: string, datasetId: string) {
    const run = findRun(runId)
    const ds = state.datasets.find((d) => d.id === datasetId)
    if (!ds) throw new ApiError(`There is no dataset with id "${datasetId}".`, 'not_found')
    const known = run.metrics!.labels
    const unknownLabel = Object.entries(ds.labelCounts).filter(([l]) => !known.includes(l)).reduce((n, [, c]) => n + c, 0)
    const rows = ds.rowCount - unknownLabel
    if (!rows) throw new ApiError(`None of the ${unknownLabel} labelled rows of that dataset has a label this model knows (${known.join(', ')}).`, 'bad_input')
    const correct = Math.round(rows * 0.84)
    return {
      runId,
      datasetId,
      metrics: { ...run.metrics!, accuracy: correct / rows, macroF1: 0.83, split: 'all' as const, rows, accuracyInterval: { low: 0.8, high: 0.88, level: 0.95 } },
      split: 'all' as const,
      rows,
      ...(unknownLabel ? { unknownLabel } : {}),
      predictions: [],
    }
  }

  function findRun(id: string): Run {
    const r = state.runs.find((x) => x.id === id)
    if (!r) throw new Error(`No run with id ${id}.`)
    return r
  }

  const api: WorkbenchApi = {
    app: {
      info: () => call('app.info', undefined, () => state.info),
      presets: () =>
        call('app.presets', undefined, () => ({
          quick: { description: 'Quick from server', config: resolveConfig('quick') },
          balanced: { description: 'Balanced from server', config: resolveConfig('balanced') },
          thorough: { description: 'Thorough from server', config: resolveConfig('thorough') },
        })),
      reportError: (i) => call('app.reportError', i, () => undefined),
      diagnostics: () => call('app.diagnostics', undefined, () => ({ text: 'Attention Workbench 0.1.0 (web)\n', logsDir: '/data/logs' })),
      openLogs: () => call('app.openLogs', undefined, () => ({ opened: false, path: '/data/logs' })),
    },
    datasets: {
      list: () => call('datasets.list', undefined, () => state.datasets),
      get: (i) => call('datasets.get', i, () => state.datasets.find((d) => d.id === i.id)!),
      upload: (i) => call('datasets.upload', i, () => ({ uploadId: `u${nextId++}`, size: i.data.length })),
      inspect: (i) =>
        call('datasets.inspect', i, () => ({
          format: 'csv',
          encoding: i.options?.encoding ?? 'utf-8',
          encodingCandidates: ['utf-8', 'gb18030', 'windows-1252'],
          columns: ['review', 'sentiment', 'id'],
          guess: { textColumns: ['review'], labelColumn: 'sentiment', splitColumn: null },
          kind: { kind: 'text', reason: 'Column "review" holds sentences or many different phrases, so each row is a text to classify.', why: { rule: 'sentences', column: 'review' } },
          tableColumns: [
            { name: 'review', kind: 'text', reason: 'Its values are sentences.', missing: 0, distinct: 1 },
            { name: 'sentiment', kind: 'label', reason: 'Its name is a usual name for the label.', missing: 0, distinct: 1 },
            { name: 'id', kind: 'id', reason: 'Its name looks like an identifier.', missing: 0, distinct: 1 },
          ],
          rows: [{ review: 'great film', sentiment: 'pos', id: '1' }],
          totalBytes: 1234,
        })),
      import: (i) => call('datasets.import', i, () => ({ jobId: `job${nextId++}` })),
      cancelImport: (i) => call('datasets.cancelImport', i, () => undefined),
      thumbnails: (i) => call('datasets.thumbnails', i, () => i.indices.map((index) => ({ index, url: `data:image/png;base64,T${index}`, error: null }))),
      preview: (i) => call('datasets.preview', i, () => ({ rows: [{ index: 0, text: 'great film', label: 'pos', split: 'train' as const }], total: 1 })),
      doctor: (i) => call('datasets.doctor', i, () => realDoctorReport(i.id)),
      fix: (i) => call('datasets.fix', i, () => state.datasets.find((d) => d.id === i.id)!),
      split: (i) => call('datasets.split', i, () => state.datasets.find((d) => d.id === i.id)!),
      stats: (i) =>
        call('datasets.stats', i, () => ({
          labelCounts: { neg: 60, pos: 60 },
          splitCounts: { train: 96 },
          lengthHistogram: [{ binStart: 0, binEnd: 32, count: 100 }, { binStart: 32, binEnd: 64, count: 20 }],
          overSeqLen: 0,
        })),
      rename: (i) => call('datasets.rename', i, () => ({ ...state.datasets.find((d) => d.id === i.id)!, name: i.name })),
      setColumns: (i) => call('datasets.setColumns', i, () => state.datasets.find((d) => d.id === i.id)!),
      delete: (i) =>
        call('datasets.delete', i, () => {
          state.datasets = state.datasets.filter((d) => d.id !== i.id)
          return { deleted: true, runsUsing: 0 }
        }),
    },
    runs: {
      list: (i) => call('runs.list', i, () => state.runs),
      get: (i) => call('runs.get', i, () => findRun(i.id)),
      plan: (i) => call('runs.plan', i, () => ({ config: resolveConfig(i.preset ?? 'quick', i.config), parameters: 123456, memoryMb: 64, estimatedSeconds: 42, warnings: [] })),
      calibrate: (i) =>
        call('runs.calibrate', i, () => ({
          config: resolveConfig(i.preset ?? 'quick', i.config),
          parameters: 123456,
          memoryMb: 64,
          estimatedSeconds: 75,
          warnings: [],
          calibration: { tokensPerSec: 5000, msPerStep: 100, backend: 'wasm' },
        })),
      start: (i) =>
        call('runs.start', i, () => {
          const run = makeRun({ id: `r${nextId++}`, name: i.name ?? 'new run', status: i.queue ? 'queued' : 'running', datasetId: i.datasetId, metrics: null, finishedAt: null })
          state.runs.unshift(run)
          return run
        }),
      cancel: (i) => call('runs.cancel', i, () => Object.assign(findRun(i.id), { status: 'cancelled' as const })),
      pause: (i) => call('runs.pause', i, () => Object.assign(findRun(i.id), { status: 'paused' as const })),
      resume: (i) => call('runs.resume', i, () => Object.assign(findRun(i.id), { status: 'running' as const })),
      update: (i) =>
        call('runs.update', i, () => {
          const { id, ...patch } = i
          return Object.assign(findRun(id), Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)))
        }),
      delete: (i) =>
        call('runs.delete', i, () => {
          state.runs = state.runs.filter((r) => r.id !== i.id)
          return { deleted: true }
        }),
      metrics: (i) => call('runs.metrics', i, () => state.metrics[i.id] ?? []),
      compare: (i) =>
        call('runs.compare', i, () => ({
          runs: i.ids.map(findRun),
          configDiff: [{ key: 'train.learningRate', label: 'Learning rate', values: i.ids.map((_, k) => 0.001 * (k + 1)) }],
          series: i.ids.map((id) => ({ runId: id, points: state.metrics[id] ?? [] })),
          metrics: i.ids.map((id) => ({ runId: id, metrics: findRun(id).metrics })),
          predictionDiff: [],
        })),
      sweep: (i) => call('runs.sweep', i, () => ({ sweepId: 's1', runs: [] })),
      sweepResult: (i) => call('runs.sweepResult', i, () => ({ sweepId: i.sweepId, metric: 'macroF1', runs: [], bestRunId: null })),
      evaluate: (i) =>
        call('runs.evaluate', i, () => (i.datasetId && i.datasetId !== findRun(i.id).datasetId ? evaluateOther(i.id, i.datasetId) : {
          runId: i.id,
          datasetId: 'd1',
          metrics: findRun(i.id).metrics!,
          split: 'test' as const,
          rows: 2,
          predictions: [
            { index: 1, text: 'awful plot', label: 'neg', predicted: 'pos', probabilities: { neg: 0.4, pos: 0.6 } },
            { index: 2, text: 'lovely', label: 'pos', predicted: 'pos', probabilities: { neg: 0.1, pos: 0.9 } },
          ],
        })),
      predict: (i) =>
        call('runs.predict', i, () => ({
          label: i.text.includes('bad') ? 'neg' : 'pos',
          probabilities: i.text.includes('bad') ? { neg: 0.9, pos: 0.1 } : { neg: 0.2, pos: 0.8 },
          attention: { tokens: ['[CLS]', ...i.text.split(' ')], weights: [[[[1]]]], rollout: [0.1, ...i.text.split(' ').map(() => 0.9 / i.text.split(' ').length)] },
        })),
      predictMany: (i) =>
        call('runs.predictMany', i, () =>
          i.texts.map((t) => ({ label: t.includes('bad') ? 'neg' : 'pos', probabilities: t.includes('bad') ? { neg: 0.9, pos: 0.1 } : { neg: 0.2, pos: 0.8 } })),
        ),
      attention: (i) =>
        call('runs.attention', i, () => ({
          text: i.text,
          runs: i.ids.map((id) => ({
            runId: id,
            prediction: {
              label: 'pos',
              probabilities: { neg: 0.3, pos: 0.7 },
              attention: {
                tokens: ['[CLS]', 'good', 'film'],
                weights: [[[[0.5, 0.3, 0.2], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]]]],
                rollout: [0.2, 0.5, 0.3],
              },
            },
          })),
        })),
    },
    exports: {
      create: (i) =>
        call('exports.create', i, () => ({
          runId: i.runId,
          outDir: '/home/u/.workbench/exports/r1',
          files: ['model.json', 'predict.mjs'],
          verification: { ok: true, rows: 12, maxProbDiff: 1e-6, labelMismatches: 0, formats: { tfjs: { ok: true, maxProbDiff: 1e-6, labelMismatches: 0 } } },
        })),
      importBundle: (i) => call('exports.importBundle', i, () => makeRun({ id: `r${nextId++}` })),
      openFolder: (i) => call('exports.openFolder', i, () => ({ opened: false, path: i.path, message: 'No file manager could be opened here.' })),
      pickFolder: () => call('exports.pickFolder', undefined, () => ({ path: '/home/u/picked' })),
    },
    bases: {
      list: () => call('bases.list', undefined, () => []),
      get: (i) => call('bases.get', i, () => Promise.reject(new Error(`Base "${i.id}" not found.`))),
      import: (i) => call('bases.import', i, () => Promise.reject(new Error(`Nothing to import at ${i.source.path}.`))),
      encode: (i) => call('bases.encode', i, () => Promise.reject(new Error(`Base "${i.id}" not found.`))),
      delete: (i) => call('bases.delete', i, () => ({ deleted: true })),
    },
    auto: {
      start: (i) =>
        call('auto.start', i, () => {
          const a: AutoResult = { autoId: `auto${nextId++}`, name: i.name ?? 'Auto (5 min)', datasetId: i.datasetId, status: 'running', budgetSeconds: i.budgetSeconds ?? 300, elapsedSeconds: 0, leaderboard: [], winner: null, currentRunId: null, error: null }
          state.autos.push(a)
          return structuredClone(a)
        }),
      get: (i) => call('auto.get', i, () => structuredClone(state.autos.find((a) => a.autoId === i.autoId)!)),
      list: (i) => call('auto.list', i, () => structuredClone(state.autos.filter((a) => !i.datasetId || a.datasetId === i.datasetId).reverse())),
      cancel: (i) =>
        call('auto.cancel', i, () => {
          const a = state.autos.find((x) => x.autoId === i.autoId)!
          a.status = 'cancelled'
          return structuredClone(a)
        }),
    },
    subscribe(channel, listener) {
      let set = listeners.get(channel)
      if (!set) listeners.set(channel, (set = new Set()))
      set.add(listener as Listener)
      return () => set.delete(listener as Listener)
    },
  }

  return {
    api,
    calls,
    get datasets() {
      return state.datasets
    },
    set datasets(v) {
      state.datasets = v
    },
    get runs() {
      return state.runs
    },
    set runs(v) {
      state.runs = v
    },
    get metrics() {
      return state.metrics
    },
    get autos() {
      return state.autos
    },
    get info() {
      return state.info
    },
    failWith(name, message, code = 'bad_input') {
      if (message === null) failures.delete(name)
      else failures.set(name, { message, code })
    },
    after(name, hook) {
      if (hook) hooks.set(name, hook)
      else hooks.delete(name)
    },
    emit(channel, event) {
      emit(channel, event as RunEvent | DatasetEvent)
    },
    listenerCount(channel) {
      return listeners.get(channel)?.size ?? 0
    },
  }
}
