// How many threads a job computes on, and how the backend line says so ("WebAssembly (SIMD, 2 threads)").
import { availableParallelism } from 'node:os'
import type { BackendInfo } from '../../../shared/domain'

/** Most threads one job uses. */
export const MAX_THREADS = 64

/**
 * Threads that compute each training step for a `train.workers` setting: 0 means the default, one per core
 * (the job's own thread plus cores - 1 workers) unless WORKBENCH_THREADS sets another; backends that thread
 * themselves (native TensorFlow) get 1.
 */
export function resolveThreads(setting: number, backend: string): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1
  const env = Number(process.env.WORKBENCH_THREADS)
  const n = setting > 0 ? setting : Number.isInteger(env) && env > 0 ? env : availableParallelism()
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(n)))
}

/** The backend as announced, with the thread count a job uses in its description. */
export function withThreads(info: BackendInfo, threads: number): BackendInfo {
  if (info.name !== 'wasm' && info.name !== 'cpu') return info
  const count = `${threads} thread${threads === 1 ? '' : 's'}`
  const description = /\d+ threads?/.test(info.description) ? info.description.replace(/\d+ threads?/, count) : `${info.description} (${count})`
  return { ...info, description }
}
