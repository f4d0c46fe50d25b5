// The one contract between the UI and the services. Method and channel names exist only here;
// the preload bridge, the HTTP client and the CLI are checked against `WorkbenchApi`.
import { z } from 'zod'
import { presetNames, RunConfigSchema } from './config'
import type { PresetSizing } from './preset-sizing'
import { autoDefaultBudgetSeconds, type AutoResult } from './auto'
import { exportFormats, importFormats } from './formats'
import { importKinds, type KindSuggestion } from './dataset-kinds'
import { tableColumnKinds, type ColumnGuess } from './table-guess'
import type { PresetName, RunConfig } from './config'
import type {
  AppInfo,
  AttentionMap,
  Base,
  BaseEncoding,
  Dataset,
  MetricPoint,
  Prediction,
  Run,
  RunMetrics,
  SplitName,
  WorkbenchEvents,
} from './domain'

/** A method: its input schema (validated in main) and its output type (phantom). */
export interface MethodSpec<I extends z.ZodType, O> {
  input: I
  /** Never read at runtime; carries the output type. */
  output?: O
}
function method<O>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input })
}

const id = z.string().min(1).max(64)
const none = z.undefined().optional()

/** Where an import reads from: a path on the machine running the services, or an upload. */
export const ImportSourceSchema = z.union([
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal('upload'), uploadId: id }),
])

/** Options that say how to read a file; anything left out is detected. */
export const ReadOptionsSchema = z.object({
  format: z.enum(importFormats).optional(),
  encoding: z.string().min(1).max(40).optional(),
  sheet: z.string().max(200).optional(),
  textColumns: z.array(z.string().max(500)).min(1).max(20).optional(),
  labelColumn: z.string().max(500).nullable().optional(),
  splitColumn: z.string().max(500).nullable().optional(),
  /** Texts or table rows; 'auto' takes the guesser's suggestion. Left out: text. */
  kind: z.enum(importKinds).optional(),
  /** Images from a CSV/XLSX: the column of image paths (relative to the file's folder); left out: guessed. */
  imageColumn: z.string().max(500).optional(),
  /** Tables: a role for some columns, overruling the guesser (column -> numeric, categorical, id, label, text). */
  columnRoles: z.record(z.string().max(500), z.enum(tableColumnKinds)).optional(),
})

export const SplitRatiosSchema = z.object({
  train: z.number().min(0.05).max(0.98).default(0.8),
  validation: z.number().min(0.01).max(0.5).default(0.1),
  test: z.number().min(0).max(0.5).default(0.1),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
})

export const RunQuerySchema = z
  .object({
    search: z.string().max(200).optional(),
    status: z.array(z.string().max(20)).max(10).optional(),
    datasetId: id.optional(),
    starred: z.boolean().optional(),
    tag: z.string().max(100).optional(),
    sort: z.enum(['createdAt', 'name', 'accuracy', 'macroF1', 'status']).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.number().int().min(1).max(10000).optional(),
    offset: z.number().int().min(0).optional(),
  })
  .optional()

export const StartRunSchema = z.object({
  datasetId: id,
  name: z.string().max(200).optional(),
  preset: z.enum(presetNames as [PresetName, ...PresetName[]]).optional(),
  /** Partial config; merged over the preset and defaults, then validated. */
  config: z.record(z.string(), z.unknown()).optional(),
  /** Put in the queue instead of starting now if something is running. */
  queue: z.boolean().optional(),
})

/** What a sweep may pick its best run by (validation figures), in the order the UI offers them. */
export const sweepMetrics = ['macroF1', 'accuracy', 'loss'] as const
export type SweepMetric = (typeof sweepMetrics)[number]
/** How a sweep picks its points: every combination, or a seeded random sample of them. */
export const sweepStrategies = ['grid', 'random'] as const
export type SweepStrategy = (typeof sweepStrategies)[number]

export const SweepSchema = z.object({
  datasetId: id,
  name: z.string().max(200).optional(),
  preset: z.enum(presetNames as [PresetName, ...PresetName[]]).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  /** Dotted key -> candidate values, e.g. { "train.learningRate": [1e-3, 3e-4] }. */
  space: z.record(z.string().max(100), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1).max(50)),
  strategy: z.enum(sweepStrategies).default('grid'),
  budget: z.number().int().min(1).max(200).optional(),
  metric: z.enum(sweepMetrics).default('macroF1'),
})

export const AutoSchema = z.object({
  datasetId: id,
  name: z.string().max(200).optional(),
  /** Time budget in seconds (default five minutes). */
  budgetSeconds: z.number().int().min(30).max(24 * 3600).default(autoDefaultBudgetSeconds),
})

export const ExportSchema = z.object({
  runId: id,
  outDir: z.string().min(1).max(4096).optional(),
  formats: z.array(z.enum(exportFormats)).min(1).default(['tfjs']),
  /** Which model: the run's own (when left out) or the classic baseline trained beside it. */
  model: z.enum(['run', 'baseline']).optional(),
})

/** Every request/response method, grouped by service. */
export const apiSpec = {
  app: {
    info: method<AppInfo>()(none),
    presets: method<Record<PresetName, { description: string; config: RunConfig }>>()(none),
    /** A renderer error, written to the log file (the renderer cannot write files). */
    reportError: method<void>()(
      z.object({ message: z.string().min(1).max(2000), stack: z.string().max(8000).optional(), where: z.string().max(200).optional() }),
    ),
    /** Versions, compute backend, OS and the last logged problems, with no user data: for bug reports. */
    diagnostics: method<Diagnostics>()(none),
    /** Show the logs folder in the system file manager. */
    openLogs: method<{ opened: boolean; path: string }>()(none),
  },
  datasets: {
    list: method<Dataset[]>()(none),
    get: method<Dataset>()(z.object({ id })),
    /** Stage an upload (web mode, drag and drop): bytes in, an id to import from. */
    upload: method<{ uploadId: string; size: number }>()(
      z.object({ fileName: z.string().min(1).max(255), data: z.instanceof(Uint8Array) }),
    ),
    /** Look at a file before importing: format, encoding, columns, guesses, first rows. */
    inspect: method<InspectResult>()(z.object({ source: ImportSourceSchema, options: ReadOptionsSchema.optional() })),
    /** Start an import; progress arrives on the `dataset` channel. */
    import: method<{ jobId: string }>()(
      z.object({ source: ImportSourceSchema, name: z.string().min(1).max(200).optional(), options: ReadOptionsSchema.optional() }),
    ),
    cancelImport: method<void>()(z.object({ jobId: id })),
    /** Image datasets: small PNG thumbnails (data URLs) of some rows, by row index. */
    thumbnails: method<DatasetThumbnail[]>()(z.object({ id, indices: z.array(z.number().int().min(0)).min(1).max(100) })),
    preview: method<{ rows: DatasetRow[]; total: number }>()(
      z.object({ id, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50), split: z.enum(['train', 'validation', 'test']).optional() }),
    ),
    doctor: method<DoctorReport>()(z.object({ id, seqLen: z.number().int().min(4).max(2048).optional() })),
    fix: method<Dataset>()(z.object({ id, fixes: z.array(z.string().min(1).max(100)).min(1).max(50) })),
    split: method<Dataset>()(z.object({ id, ratios: SplitRatiosSchema })),
    stats: method<DatasetStats>()(z.object({ id, seqLen: z.number().int().min(4).max(2048).optional() })),
    rename: method<Dataset>()(z.object({ id, name: z.string().min(1).max(200) })),
    /** Tables: change the role of some columns (a new version; labels follow a new label column). */
    setColumns: method<Dataset>()(z.object({ id, roles: z.record(z.string().max(500), z.enum(tableColumnKinds)) })),
    delete: method<{ deleted: boolean; runsUsing: number }>()(z.object({ id, force: z.boolean().optional() })),
  },
  runs: {
    list: method<Run[]>()(RunQuerySchema),
    get: method<Run>()(z.object({ id })),
    /** Validate a config and estimate size/memory/duration without starting anything. */
    plan: method<RunPlan>()(StartRunSchema),
    /** Like plan, but first times a few training steps of the config on this machine (cached for the session). */
    calibrate: method<RunPlan>()(StartRunSchema),
    start: method<Run>()(StartRunSchema),
    cancel: method<Run>()(z.object({ id })),
    pause: method<Run>()(z.object({ id })),
    resume: method<Run>()(z.object({ id })),
    update: method<Run>()(
      z.object({
        id,
        name: z.string().min(1).max(200).optional(),
        notes: z.string().max(20000).optional(),
        tags: z.array(z.string().min(1).max(50)).max(30).optional(),
        starred: z.boolean().optional(),
      }),
    ),
    delete: method<{ deleted: boolean }>()(z.object({ id })),
    /** History so far; subscribe to `run` for the live tail. */
    metrics: method<MetricPoint[]>()(z.object({ id })),
    compare: method<RunComparison>()(z.object({ ids: z.array(id).min(2).max(4) })),
    sweep: method<{ sweepId: string; runs: Run[] }>()(SweepSchema),
    sweepResult: method<SweepResult>()(z.object({ sweepId: id })),
    evaluate: method<RunEvaluation>()(z.object({ id, datasetId: id.optional() })),
    predict: method<Prediction>()(
      z.object({ id, text: z.string().min(1).max(100_000), attention: z.boolean().optional() }),
    ),
    attention: method<AttentionComparison>()(z.object({ ids: z.array(id).min(1).max(2), text: z.string().min(1).max(100_000) })),
    /** Many texts in one call (a file's lines): batched by length in the trainer, predictions in input order. */
    predictMany: method<Prediction[]>()(
      z.object({ id, texts: z.array(z.string().min(1).max(100_000)).min(1).max(4096), attention: z.boolean().optional() }),
    ),
  },
  exports: {
    create: method<ExportResult>()(ExportSchema),
    /** Import an exported bundle back as a run. */
    importBundle: method<Run>()(z.object({ source: ImportSourceSchema, name: z.string().max(200).optional() })),
    /** Show a verified export's folder in the system file manager (only folders the app exported to). */
    openFolder: method<{ opened: boolean; path: string; message?: string }>()(z.object({ path: z.string().min(1).max(4096) })),
    /** Desktop: let the user choose the export folder in the system's folder dialog (null: cancelled or no dialog here). */
    pickFolder: method<{ path: string | null }>()(none),
  },
  bases: {
    list: method<Base[]>()(none),
    get: method<Base>()(z.object({ id })),
    /** Import a Hugging Face checkpoint folder (safetensors); progress arrives on the `base` channel. */
    import: method<Base>()(z.object({ source: z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }), name: z.string().min(1).max(200).optional() })),
    /** A text's tokens, ids and last-layer hidden states (for parity checks). */
    encode: method<BaseEncoding>()(z.object({ id, text: z.string().max(100_000) })),
    /** Refused while runs use the base. */
    delete: method<{ deleted: boolean }>()(z.object({ id })),
  },
  /** The Auto preset: a time-boxed search over a few configurations, picked by validation macro-F1. */
  auto: {
    start: method<AutoResult>()(AutoSchema),
    get: method<AutoResult>()(z.object({ autoId: id })),
    cancel: method<AutoResult>()(z.object({ autoId: id })),
    /** Auto searches, newest first (this session's and earlier ones'), on one dataset when given. */
    list: method<AutoResult[]>()(z.object({ datasetId: id.optional() })),
  },
} as const

/** What "Copy diagnostics" copies: facts about the installation, never the user's data. */
export interface Diagnostics {
  /** The whole report as plain text, ready to paste into a bug report. */
  text: string
  /** The folder holding the log files. */
  logsDir: string
}

/** One stored row of a dataset. */
export interface DatasetRow {
  index: number
  text: string
  label: string | null
  split: SplitName | null
  /** Table rows: every cell by column name. */
  cells?: Record<string, string>
}

/** A thumbnail of an image dataset's row: a PNG data URL, or why it cannot be shown. */
export interface DatasetThumbnail {
  index: number
  url: string | null
  error: string | null
}

/** What inspecting a file found. */
export interface InspectResult {
  format: string
  encoding: string
  /** Encodings the user can switch to. */
  encodingCandidates: string[]
  sheets?: string[]
  columns: string[]
  guess: { textColumns: string[]; labelColumn: string | null; splitColumn: string | null }
  /** Texts or a table, as the guesser suggests, with its reason. */
  kind: KindSuggestion
  /** Read as a table: each column's guessed role and why. */
  tableColumns: ColumnGuess[]
  rows: Record<string, string>[]
  totalBytes: number
  /** What else was detected, e.g. delimiter, header, sheet, how the encoding was found. */
  details?: Record<string, string | boolean>
}

/** One finding of the dataset doctor. */
export interface DoctorFinding {
  id: string
  severity: 'blocking' | 'warning' | 'info'
  title: string
  detail: string
  count: number
  examples: { index: number; text: string; label: string | null }[]
  /**
   * The numbers and names the title/detail use, for the UI's translated texts (title and detail
   * stay as the English fallback). `variant`, when present, picks another wording of the detail.
   */
  params?: Record<string, string | number>
  /** One-click fixes; pass their ids to datasets.fix. `params` fill the translated label. */
  fixes: { id: string; label: string; params?: Record<string, string | number> }[]
}

export interface DoctorReport {
  datasetId: string
  versionId: string
  ok: boolean
  findings: DoctorFinding[]
}

export interface DatasetStats {
  labelCounts: Record<string, number>
  splitCounts: Partial<Record<SplitName, number>>
  /** Token-length histogram (word-level approximation before a tokenizer exists). */
  lengthHistogram: { binStart: number; binEnd: number; count: number }[]
  overSeqLen: number
}

/** What a config will cost before it runs. */
/** Codes of the plan's warnings (the renderer's `planWarning.<code>` texts). */
export type PlanWarningCode = 'noValidation' | 'fewExamples' | 'vocabLarge' | 'memory' | 'longFullAttention' | 'gpuBuffer'

/** One plan warning: its code, the numbers in it, and the English sentence. */
export interface PlanWarning {
  code: PlanWarningCode
  params: Record<string, number | string>
  text: string
}

export interface RunPlan {
  config: RunConfig
  parameters: number
  memoryMb: number
  estimatedSeconds: number | null
  warnings: string[]
  /** The same warnings as codes with their numbers, in the same order (the UI words them in its language). */
  warningCodes?: PlanWarning[]
  /** Present when the duration comes from timing this config's training steps on this machine. */
  calibration?: { tokensPerSec: number; msPerStep: number; backend: string }
  /** When a preset was named: what it chose for this dataset and why (merged under the given config). */
  sizing?: PresetSizing
  /** What the dataset's rows are (from `plan`): text options such as the tokenizer mean nothing to a table or images. */
  inputKind?: 'text' | 'table' | 'image'
}

export interface RunComparison {
  runs: Run[]
  /** Only keys that differ, with readable names. */
  configDiff: { key: string; label: string; values: unknown[] }[]
  series: { runId: string; points: MetricPoint[] }[]
  metrics: { runId: string; metrics: RunMetrics | null }[]
  /** When runs share validation rows: what the second..nth run fixed and broke relative to the first. */
  predictionDiff: {
    baseRunId: string
    otherRunId: string
    fixed: PredictionDiffRow[]
    broken: PredictionDiffRow[]
    bothWrong: PredictionDiffRow[]
  }[]
}

export interface PredictionDiffRow {
  index: number
  text: string
  label: string
  basePredicted: string
  otherPredicted: string
}

export interface SweepResult {
  sweepId: string
  metric: string
  runs: Run[]
  bestRunId: string | null
}

export interface RunEvaluation {
  runId: string
  datasetId: string
  metrics: RunMetrics
  /** Which rows were scored: the run's test split (validation when it has none), or every labelled row of another dataset. */
  split: 'test' | 'validation' | 'all'
  /** How many rows were scored. */
  rows: number
  /** Rows of another dataset left out because the model does not know their label. */
  unknownLabel?: number
  predictions: { index: number; text: string; label: string; predicted: string; probabilities: Record<string, number> }[]
}

export interface AttentionComparison {
  text: string
  runs: { runId: string; prediction: Prediction & { attention: AttentionMap } }[]
}

export interface ExportResult {
  runId: string
  outDir: string
  /** Which model was exported: the run's own or its classic baseline. */
  model?: 'run' | 'baseline'
  files: string[]
  verification: { ok: boolean; rows: number; maxProbDiff: number; labelMismatches: number; formats: Record<string, { ok: boolean; maxProbDiff: number; labelMismatches: number; message?: string }> }
}

export type ApiSpec = typeof apiSpec
type InputOf<S> = S extends MethodSpec<infer I, unknown> ? z.input<I> : never
type OutputOf<S> = S extends MethodSpec<z.ZodType, infer O> ? O : never

/** An event subscription; call the result to unsubscribe. */
export type Subscribe = <K extends keyof WorkbenchEvents>(
  channel: K,
  listener: (event: WorkbenchEvents[K]) => void,
) => () => void

/** The API every transport implements. */
export type WorkbenchApi = {
  [G in keyof ApiSpec]: {
    [M in keyof ApiSpec[G]]: undefined extends InputOf<ApiSpec[G][M]>
      ? (input?: InputOf<ApiSpec[G][M]>) => Promise<OutputOf<ApiSpec[G][M]>>
      : (input: InputOf<ApiSpec[G][M]>) => Promise<OutputOf<ApiSpec[G][M]>>
  }
} & { subscribe: Subscribe }

/** The services' side: same methods, but inputs arrive already validated (defaults filled). */
type ParsedOf<S> = S extends MethodSpec<infer I, unknown> ? z.output<I> : never
export type WorkbenchHandlers = {
  [G in keyof ApiSpec]: {
    [M in keyof ApiSpec[G]]: undefined extends ParsedOf<ApiSpec[G][M]>
      ? (input?: ParsedOf<ApiSpec[G][M]>) => Promise<OutputOf<ApiSpec[G][M]>> | OutputOf<ApiSpec[G][M]>
      : (input: ParsedOf<ApiSpec[G][M]>) => Promise<OutputOf<ApiSpec[G][M]>> | OutputOf<ApiSpec[G][M]>
  }
}

/** "group.method" names, for transports that need a flat channel name. */
export const methodNames: string[] = Object.entries(apiSpec).flatMap(([g, ms]) =>
  Object.keys(ms).map((m) => `${g}.${m}`),
)

/** Event channel names. */
export const eventChannels = ['run', 'dataset', 'base'] as const satisfies readonly (keyof WorkbenchEvents)[]

/** IPC channel for a method (desktop transport). */
export const ipcChannel = (name: string) => `wb:${name}`
/** IPC channel for events (desktop transport). */
export const ipcEventChannel = 'wb:event'

/** The codes a failed call answers with, on every transport (the HTTP envelope, IPC replies). */
export const errorCodes = ['bad_input', 'not_found', 'conflict', 'unauthorized', 'forbidden', 'internal'] as const
export type ErrorCode = (typeof errorCodes)[number]
/** The codes of errors the user can act on (4xx, exit 1); the rest are the transport's or internal. */
export type UserErrorCode = Extract<ErrorCode, 'bad_input' | 'not_found' | 'conflict'>

/** Where an import reads from (the validated `source` of an import or inspect call). */
export type ImportSource = z.infer<typeof ImportSourceSchema>
/** How to read an imported file (the validated read options). */
export type ReadOptions = z.infer<typeof ReadOptionsSchema>

/** An error the user can act on (bad input, missing thing); transports map it to 4xx / exit 1. */
export class UserError extends Error {
  override name = 'UserError'
  constructor(
    message: string,
    readonly code: UserErrorCode = 'bad_input',
  ) {
    super(message)
  }
}

export { RunConfigSchema }
