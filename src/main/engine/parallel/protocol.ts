// Messages between a training job's own thread (the owner) and its gradient worker threads. Weights and
// gradients travel through SharedArrayBuffers (one weights area, one gradient slot per worker); messages
// carry only the batch rows and small numbers.
import type { ModelSpec } from '../models/types'
import type { Objective, StepBatch } from '../training/train-step'

/** Where each weight lives in a flat float32 area: name, shape, offset and length in floats. */
export interface FlatLayout {
  entries: { name: string; shape: number[]; offset: number; size: number }[]
  total: number
}

/** Lays out the named weights one after another. */
export function flatLayout(shapes: [string, number[]][]): FlatLayout {
  let offset = 0
  const entries = shapes.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1)
    const e = { name, shape, offset, size }
    offset += size
    return e
  })
  return { entries, total: offset }
}

/** The first message a worker gets: what to build and where to read and write. */
export interface WorkerInit {
  type: 'init'
  /** The owner's backend, so both compute identically. */
  backend: 'wasm' | 'cpu'
  spec: ModelSpec
  /** Model seed (the weights are overwritten from `weights` before the first step anyway). */
  seed: number
  objective: Objective
  labelSmoothing: number
  /** The owner's lastBlockShortcut forward option (the encoder's [CLS] last-block shortcut). */
  shortcut: boolean
  /** Every weight of the model. */
  all: FlatLayout
  /** The weights that train (the gradient slot's layout). */
  trainable: FlatLayout
  weights: SharedArrayBuffer
  grads: SharedArrayBuffer
  /** Test hook: the worker exits abruptly when asked for this step (counted from 1). */
  crashAtStep?: number
}

/** Owner -> worker: compute the gradient of rows [rowOffset, rowOffset + B) of step `step`. */
export interface WorkerStep {
  type: 'step'
  step: number
  batch: StepBatch
  dropoutSeed: number
  rowOffset: number
  /** Read these weights from the shared area first: 'all' after a restore, 'trainable' after an update. */
  sync: 'all' | 'trainable' | 'none'
}

/** Owner -> worker: class probabilities of a padded batch (inference, no dropout). */
export interface WorkerForward {
  type: 'forward'
  batch: { ids: Int32Array; mask: Float32Array; B: number; T: number }
}

/** Worker -> owner. */
export type WorkerReply =
  | { type: 'ready' }
  /** cpuMs: this thread's CPU time for the step (reading weights, the shard, writing the gradient). */
  | { type: 'grads'; step: number; loss: number; cpuMs: number }
  | { type: 'probs'; probs: Float32Array }
  | { type: 'error'; message: string }

/** The replies that answer a request. */
export type WorkerAnswer = Extract<WorkerReply, { type: 'grads' | 'probs' }>
