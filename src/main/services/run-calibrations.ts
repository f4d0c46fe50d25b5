// Speed measurements ("calibrations") of run configs on this machine: a short trainer job times a
// config's training steps once per config and backend this session, and plans reuse the figure.
import type { RunPlan } from '../../shared/api'
import type { RunConfig } from '../../shared/config'
import type { BackendInfo } from '../../shared/domain'
import { runJob, type SpawnTrainer } from './trainer-host'

/** A speed measurement of one config on one backend. */
export type Calibration = NonNullable<RunPlan['calibration']>

/** What decides a calibration's speed: the model's shape, the batch, the objective and the vocabulary. */
function calibrationKey(config: RunConfig, vocabSize: number, nClasses: number): string {
  return JSON.stringify([config.task, config.model, config.train.batchSize, vocabSize, config.task === 'pretrain' ? 0 : nClasses])
}

/** Calibrations of this session by `${backend}|${key}`, the backend trainers last announced, and those being measured. */
export function createRunCalibrations(spawn: SpawnTrainer, onBackend: (b: BackendInfo) => void) {
  /** The backend trainers last announced; calibrations are only reused on the same one. */
  let backendName: string | null = null
  let announced: BackendInfo | null = null
  const known = new Map<string, Calibration>()
  const measuring = new Map<string, Promise<Calibration>>()
  /** Closing cancels calibrations still running. */
  const stop = new AbortController()

  const noteBackend = (b: BackendInfo) => {
    backendName = b.name
    announced = b
    onBackend(b)
  }

  return {
    /** Record the backend a trainer announced ('ready' message). */
    noteBackend,
    /** The backend trainers last announced (with the WebGPU adapter and its buffer limit), if any. */
    backend: (): BackendInfo | null => announced,
    /** This session's measurement of the config on the current backend, if any. */
    known(config: RunConfig, vocabSize: number, nClasses: number): Calibration | undefined {
      return backendName ? known.get(`${backendName}|${calibrationKey(config, vocabSize, nClasses)}`) : undefined
    },
    /** Time the config's training steps in a trainer process, once per config and backend this session. */
    async measure(config: RunConfig, vocabSize: number, nClasses: number): Promise<Calibration> {
      const key = calibrationKey(config, vocabSize, nClasses)
      const hit = backendName ? known.get(`${backendName}|${key}`) : undefined
      if (hit) return hit
      // Two asks for the same config while it is being measured share one trainer job.
      const pending = measuring.get(key)
      if (pending) return pending
      const job = runJob(
        spawn,
        { kind: 'calibrate', config, vocabSize, nClasses },
        {
          signal: stop.signal,
          onMessage: (m) => {
            if (m.type !== 'ready') return
            try {
              noteBackend(m.backend)
            } catch (err) {
              console.error('runs:', (err as Error).message)
            }
          },
        },
      ).then((res) => {
        if (res.kind !== 'calibrate') throw new Error('The trainer returned an unexpected result.')
        const c: Calibration = { tokensPerSec: res.tokensPerSec, msPerStep: res.msPerStep, backend: res.backend }
        known.set(`${res.backend}|${key}`, c)
        return c
      })
      measuring.set(key, job)
      try {
        return await job
      } finally {
        measuring.delete(key)
      }
    },
    close(): void {
      stop.abort('cancel')
    },
  }
}
