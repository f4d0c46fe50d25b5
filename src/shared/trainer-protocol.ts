// Messages between the main process and a trainer process. Plain data only.
import type { RunConfig } from './config'
import type { ColumnGuess } from './table-guess'
import type { AttentionMap, BackendInfo, BaseEncoding, BaselineMetrics, KeepBestMetric, MetricPoint, Prediction, RunMetrics, TrainingProgress } from './domain'

/** Rows handed to the engine, already split. Written by main into the run folder as JSON. */
/** An image a job reads: its file and the SHA-256 of its bytes at import (a changed file is refused). */
export interface ImageRef {
  path: string
  sha256: string
}

export interface JobData {
  labels: string[]
  /** Image datasets: each split's `images` lines up with its `texts` (the images' names). */
  train: { texts: string[]; labels: number[]; images?: ImageRef[] }
  validation: { texts: string[]; labels: number[]; indices: number[]; images?: ImageRef[] }
  test?: { texts: string[]; labels: number[]; indices: number[]; images?: ImageRef[] }
  /** For task = 'pretrain': unlabeled text. */
  unlabeled?: string[]
  /** A table: each text is a row's feature cells as JSON (shared/table-rows.ts); these are the columns' roles. */
  table?: { columns: ColumnGuess[] }
}

/** A unit of work for a trainer process. */
export type TrainerJob =
  | {
      kind: 'train'
      runId: string
      /** Folder owned by this run: checkpoints/, model/, data.json. */
      runDir: string
      config: RunConfig
      /** Path of a JobData JSON file. */
      dataPath: string
      /** Resume from this run folder's last checkpoint. */
      resume: boolean
      /** Model folder of the run to fine-tune from (null = from scratch). */
      initFrom: string | null
    }
  | { kind: 'predict'; modelDir: string; texts: string[]; attention: boolean }
  | { kind: 'evaluate'; modelDir: string; dataPath: string }
  | {
      kind: 'export'
      modelDir: string
      outDir: string
      formats: string[]
      dataPath: string | null
      card: Record<string, unknown>
      /** Export the run's classic baseline from this baseline.json instead of the model in modelDir. */
      baselinePath?: string
    }
  /** Time a few training steps of the config's model on synthetic ids (a speed estimate before any run). */
  | { kind: 'calibrate'; config: RunConfig; vocabSize: number; nClasses: number }
  | { kind: 'probe' }
  /** Texts through an imported base (bases/<id>/): tokens, ids and last-layer hidden states. */
  | { kind: 'encode'; baseDir: string; texts: string[] }

/** main -> trainer */
export type HostMessage =
  | { type: 'start'; job: TrainerJob }
  /** Warm-worker mode: answer many predict jobs in one long-lived process, keeping models loaded. */
  | { type: 'request'; id: number; job: Extract<TrainerJob, { kind: 'predict' }> }
  | { type: 'cancel' }
  | { type: 'pause' }

/** trainer -> main */
export type TrainerMessage =
  | { type: 'ready'; backend: BackendInfo }
  | ({ type: 'progress' } & TrainingProgress)
  | { type: 'metric'; point: MetricPoint }
  | { type: 'checkpoint'; step: number; epoch: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | {
      type: 'done'
      result:
        | { kind: 'train'; metrics: RunMetrics | null; stoppedEarly: boolean; bestEpoch: number; epochsRun?: number; keptBy?: KeepBestMetric; paused?: boolean; baseline?: BaselineMetrics }
        | { kind: 'predict'; predictions: Prediction[] }
        | {
            kind: 'evaluate'
            metrics: RunMetrics
            predictions: { index: number; predicted: string; probabilities: Record<string, number> }[]
          }
        | { kind: 'export'; files: string[]; verification: Record<string, unknown> }
        | { kind: 'calibrate'; tokensPerSec: number; msPerStep: number; steps: number; backend: string }
        | { kind: 'probe' }
        | { kind: 'encode'; encodings: BaseEncoding[] }
    }
  | {
      type: 'error'
      message: string
      /** true when a checkpoint exists and the run can resume */
      resumable: boolean
      /** true when the message describes a problem the user can fix (bad data, missing model) */
      userFacing?: boolean
    }
  | { type: 'response'; id: number; predictions?: Prediction[]; error?: string; userFacing?: boolean }

export type { AttentionMap }
