// Starts data-parallel training for a job when more than one thread is asked for and the backend is one
// that runs on a single thread (wasm, cpu). Returns null to train in the job's own thread.
import * as tf from '@tensorflow/tfjs-core'
import type { TextModel } from '../models/types'
import type { TrainCallbacks } from '../training/loop'
import { DataParallel } from './data-parallel'
import { resolveThreads } from './threads'

/** Options of startRunner. */
export interface RunnerOptions {
  /** The `train.workers` setting (0 = one thread per core). */
  workers: number
  seed: number
  objective: 'classify' | 'lm' | 'mlm'
  trainable: string[]
  labelSmoothing: number
  crashWorkerAtStep?: number
}

/** A DataParallel runner for the model, or null for one thread. */
export async function startRunner(model: TextModel, o: RunnerOptions, cb: Pick<TrainCallbacks, 'onLog'>): Promise<DataParallel | null> {
  const backend = tf.getBackend()
  const threads = resolveThreads(o.workers, backend)
  if (threads <= 1) return null
  try {
    const runner = await DataParallel.start(model, {
      threads,
      backend: backend as 'wasm' | 'cpu',
      seed: o.seed,
      objective: o.objective,
      trainable: o.trainable,
      labelSmoothing: o.labelSmoothing,
      crashAtStep: o.crashWorkerAtStep !== undefined ? { worker: 0, step: o.crashWorkerAtStep } : undefined,
    })
    cb.onLog('info', `Training on ${threads} threads (data-parallel).`)
    return runner
  } catch (err) {
    // Same results on one thread, only slower: better than no run at all.
    cb.onLog('warn', `Training on one thread: the worker threads could not start (${(err as Error).message}).`)
    return null
  }
}
