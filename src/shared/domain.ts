// Domain types that cross process boundaries: plain data only.
import type { RunConfig } from './config'
import type { DatasetKind } from './dataset-kinds'
import type { ColumnGuess } from './table-guess'

/** The validation figures a run may keep its best epoch by (train.keepBest). */
export type KeepBestMetric = RunConfig['train']['keepBest']

/** Lifecycle of a run, as stored and as shown. */
export const runStatuses = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted'] as const
export type RunStatus = (typeof runStatuses)[number]
/** A process holds the run: it trains, or waits in that process's queue. */
export const inFlightRunStatuses = ['queued', 'running'] as const satisfies readonly RunStatus[]
/** Nothing more happens to the run unless someone acts (what a wait for a run ends on). */
export const settledRunStatuses = ['completed', 'failed', 'cancelled', 'interrupted', 'paused'] as const satisfies readonly RunStatus[]
/** The run stopped part-way and can continue (from its last checkpoint, or from the start). */
export const resumableRunStatuses = ['paused', 'interrupted'] as const satisfies readonly RunStatus[]

/** Is `status` one of `group` (one of the lists above)? */
export function runStatusIn(group: readonly RunStatus[], status: RunStatus): boolean {
  return group.includes(status)
}

/** Which tfjs backend a trainer process uses, and why that one. */
export interface BackendInfo {
  name: 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu' | string
  /** Human-readable, e.g. "WebAssembly (SIMD, 1 thread)" or "WebGPU (nvidia ampere)". */
  description: string
  /** Backends tried before this one, with the reason each failed. */
  skipped: { name: string; reason: string }[]
  /** WebGPU only: the adapter as it describes itself; software = a CPU implementation (SwiftShader, lavapipe). */
  adapter?: { vendor: string; architecture: string; description: string; software: boolean; maxBufferBytes: number }
}

/** What the app is and where it keeps its data. */
export interface AppInfo {
  name: string
  version: string
  mode: 'desktop' | 'web' | 'terminal'
  home: string
  platform: string
  nodeVersion: string
  /** Null until a trainer process has started once and reported. */
  backend: BackendInfo | null
  /** The sample dataset bundled in resources/ for the first-run demo (a path the services can import). */
  sampleDataset?: { path: string; name: string } | null
}

/** A split column value. */
export type SplitName = 'train' | 'validation' | 'test'

/** A stored dataset (its current version's summary). */
export interface Dataset {
  id: string
  name: string
  status: 'ready' | 'importing' | 'failed'
  /** Texts or table rows. */
  kind: DatasetKind
  createdAt: string
  /** Current version. */
  versionId: string
  versions: number
  rowCount: number
  labels: string[]
  labelCounts: Record<string, number>
  splitCounts: Partial<Record<SplitName, number>>
  source: { fileName: string; format: string; encoding: string; textColumns: string[]; labelColumn: string | null }
  /** Tables: each column's role (numeric, categorical, id, label, text) and why. */
  columns?: ColumnGuess[]
  contentHash: string
  /** Runs that used any version of this dataset. */
  runCount: number
  /** Set on an import result when identical data was already stored: this is that dataset. */
  alreadyImported?: boolean
}

/** Classification metrics for one class. */
export interface ClassMetrics {
  precision: number
  recall: number
  f1: number
  support: number
}

/** Final (or best-epoch) evaluation of a classifier. */
export interface RunMetrics {
  accuracy: number
  macroF1: number
  weightedF1: number
  loss: number
  perClass: Record<string, ClassMetrics>
  /** Row = true label, column = predicted label, order of `labels`. */
  confusion: number[][]
  labels: string[]
  /** Reliability bins for calibration plots. */
  calibration?: { binStart: number; binEnd: number; count: number; accuracy: number; confidence: number }[]
  /**
   * Which rows these figures score. A finished run's reported score is its test split ('test');
   * 'validation' when the dataset has no test rows; 'all' = every labelled row of another dataset.
   */
  split?: 'test' | 'validation' | 'all'
  /** How many rows were scored. */
  rows?: number
  /** The validation figures of the kept epoch (what chose it), beside a test score. */
  validation?: { accuracy: number; macroF1: number; loss: number; rows: number }
  /** Which epoch's weights the run kept, chosen by which validation figure, and where it stopped. */
  kept?: KeptEpoch
  /** 95% Wilson interval around `accuracy` (how far it could move on other rows like these). */
  accuracyInterval?: { low: number; high: number; level: number }
  /** A classic model trained on the same training split, scored on the same rows: a yardstick. */
  baseline?: BaselineMetrics
}

/** The epoch a finished run kept. */
export interface KeptEpoch {
  epoch: number
  /** The validation figure that chose it (the config's train.keepBest). */
  by: KeepBestMetric
  /** Epochs trained (fewer than `epochs` when stopped early). */
  epochsRun: number
  epochs: number
  stoppedEarly: boolean
}

/** The classic baseline beside a classification run (TF-IDF n-grams + logistic regression). */
export interface BaselineMetrics {
  /** Which classic model, e.g. 'tfidf-logreg'. */
  kind: string
  /** Scores on `split` (the test split when the dataset has one, else validation). */
  accuracy: number
  macroF1: number
  split: 'test' | 'validation'
  rows: number
  accuracyInterval?: { low: number; high: number; level: number }
  /** Scores on the validation rows (what Auto compares models by). */
  validation: { accuracy: number; macroF1: number; rows: number }
  /** Training time in seconds, features kept and the regularisation chosen on validation. */
  seconds: number
  features: number
  C: number
}

/** One row of training history. */
export interface MetricPoint {
  step: number
  epoch: number
  /** 'train' points are per step; 'validation' points per epoch. */
  split: 'train' | 'validation'
  loss: number
  accuracy?: number
  macroF1?: number
  lr?: number
  tokensPerSec?: number
  time: number
}

/** A run as listed and shown. */
export interface Run {
  id: string
  name: string
  status: RunStatus
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  datasetId: string | null
  datasetVersionId: string | null
  config: RunConfig
  /** The compute backend's short name ("wasm", "webgpu"). */
  backend: string | null
  /** The backend in words, with the WebGPU adapter (vendor, architecture), e.g. "WebGPU (nvidia ampere)"; absent on runs stored before it was recorded. */
  backendDetail?: string | null
  parentRunId: string | null
  parentKind: 'finetune' | 'resume' | 'import' | null
  sweepId: string | null
  error: string | null
  metrics: RunMetrics | null
  progress: { epoch: number; step: number; totalSteps: number; etaSec: number | null } | null
  notes: string
  tags: string[]
  starred: boolean
}

/** Where a training run is: what the engine reports each step and the UI draws as a progress bar. */
export interface TrainingProgress {
  step: number
  epoch: number
  totalSteps: number
  loss: number
  lr: number
  tokensPerSec: number
  etaSec: number | null
}

/** Live events about runs. */
export type RunEvent =
  | { type: 'status'; runId: string; status: RunStatus; error?: string | null }
  | ({ type: 'progress'; runId: string } & TrainingProgress)
  | { type: 'metric'; runId: string; point: MetricPoint }
  | { type: 'log'; runId: string; level: 'info' | 'warn' | 'error'; message: string }

/** Live events about dataset imports. */
export type DatasetEvent =
  | { type: 'progress'; jobId: string; rows: number; bytes: number; totalBytes: number; etaSec: number | null }
  | { type: 'done'; jobId: string; datasetId: string; alreadyImported?: boolean }
  | { type: 'error'; jobId: string; message: string }

/** A pretrained base classifiers are fine-tuned from: an imported checkpoint or a completed pretraining run. */
export interface Base {
  id: string
  name: string
  createdAt: string
  /** bert, roberta, xlm-roberta, distilbert, electra, gpt2 (imported), or encoder / decoder (pretrained here). */
  family: string
  source: 'import' | 'pretrain'
  /** The folder it was imported from. */
  sourcePath: string | null
  /** The pretraining run it came from. */
  runId: string | null
  params: number
  vocabSize: number
  /** Longest input in tokens, special tokens included. */
  maxLength: number
  dModel: number
  nLayers: number
  nHeads: number
  /** As the checkpoint's config or model card states them (empty when it says nothing). */
  languages: string[]
  license: string | null
  /** Runs that started from this base. */
  runsUsing: number
}

/** A text through a base: its tokens (special tokens included), their ids, and the last layer's hidden states [tokens][dModel]. */
export interface BaseEncoding {
  tokens: string[]
  ids: number[]
  hidden: number[][]
}

/** Progress of a base import (by the folder being imported). */
export type BaseEvent =
  | { type: 'progress'; path: string; done: number; total: number }
  | { type: 'done'; path: string; baseId: string }
  | { type: 'error'; path: string; message: string }

/** Event streams a client can subscribe to. */
export interface WorkbenchEvents {
  run: RunEvent
  dataset: DatasetEvent
  base: BaseEvent
}

/** A prediction for one text. */
export interface Prediction {
  label: string
  probabilities: Record<string, number>
  attention?: AttentionMap
  /** Table models, with attention asked: which columns the decision looked at ([CLS]'s last-layer attention per column, heads averaged). */
  columns?: { names: string[]; attention: number[] }
  /**
   * Image models, with attention asked: where [CLS] looked on the model's G x G grid of patches (patch n = row * G +
   * column): the rollout through every layer and, per layer and head, its [CLS] row over the patches.
   */
  image?: { grid: number; rollout: number[]; heads: number[][][] }
}

/** Attention for one input: weights[layer][head][query][key], aligned with tokens. */
export interface AttentionMap {
  tokens: string[]
  weights: number[][][][]
  /** Rollout to the pooled token, one value per token, summing to 1. */
  rollout: number[]
}
