// How a training job's end is recorded: a finished classifier is scored on its reported rows and
// its metrics, throughput and final progress stored; a stopped or crashed job becomes paused,
// cancelled, interrupted (resumable) or failed, with a message that says what to do next.
import type { Run, RunEvent, RunMetrics } from '../../shared/domain'
import type { RunRecord, RunsRepo } from '../store/runs-repo'
import { scoreReported } from './run-evaluation'
import type { JobTally } from './run-messages'
import { runMetrics } from './run-scoring'
import type { RunStatusBook } from './run-status'
import { AbortedError, TrainerCrashError, type JobResult, type SpawnTrainer } from './trainer-host'

/** What recording a job's end needs to know about the job. */
export interface EndedJob extends JobTally {
  /** What the user asked of the job while it ran, if anything. */
  requested: 'cancel' | 'pause' | null
}

/** Records the outcome of training jobs. */
export function createRunResults(deps: {
  repo: RunsRepo
  spawn: SpawnTrainer
  status: RunStatusBook
  emit: (e: RunEvent) => void
  /** Told of every run that completes (a pretraining run becomes a base). */
  onCompleted?: (run: Run) => void
}) {
  const { repo, status, emit } = deps
  const now = () => new Date().toISOString()
  const record = (id: string): RunRecord => {
    const rec = repo.record(id)
    if (!rec) throw new Error(`There is no run with id "${id}".`)
    return rec
  }

  return {
    /** The trainer answered: a paused job, or a finished one to score and store. */
    async finished(id: string, job: EndedJob, res: JobResult): Promise<void> {
      if (res.kind !== 'train') {
        status.set(id, 'failed', { error: 'The trainer returned an unexpected result.', finishedAt: now() })
        return
      }
      if (res.paused || job.requested === 'pause') {
        status.set(id, 'paused')
        return
      }
      const rec = record(id)
      let scored: { metrics: RunMetrics; split: 'test' | 'validation' } | null = null
      if (rec.run.config.task === 'classify') {
        try {
          const evaluated = await scoreReported(deps.spawn, rec)
          if (evaluated) {
            repo.setPredictions(id, evaluated.predictions)
            scored = evaluated
          }
        } catch (err) {
          emit({ type: 'log', runId: id, level: 'warn', message: `The test rows could not be scored: ${(err as Error).message}` })
        }
      }
      let metrics = rec.run.config.task === 'classify' ? runMetrics(res, rec.run.config, scored) : res.metrics
      if (metrics && res.baseline) metrics = { ...metrics, baseline: res.baseline }
      repo.setResult(id, metrics, job.tpsN ? job.tpsSum / job.tpsN : null)
      const p = rec.run.progress
      // Progress ends where training ended: an early stop stays at its step and epoch.
      if (p) {
        const kept = metrics?.kept
        const step = res.stoppedEarly ? p.step : p.totalSteps || p.step
        repo.setProgress(id, { ...p, step, epoch: kept?.epochsRun ?? p.epoch, etaSec: 0 })
      }
      status.set(id, 'completed', { finishedAt: now(), error: null })
      try {
        deps.onCompleted?.(record(id).run)
      } catch (err) {
        emit({ type: 'log', runId: id, level: 'warn', message: `The finished run could not be recorded as a base: ${(err as Error).message}` })
      }
    },

    /** The job ended with an error: paused or cancelled on request, interrupted after a resumable crash, else failed. */
    ended(id: string, job: EndedJob, err: Error): void {
      const at = now()
      if (job.requested === 'pause') status.set(id, 'paused')
      else if (err instanceof AbortedError || job.requested === 'cancel') status.set(id, 'cancelled', { finishedAt: at })
      else if (err instanceof TrainerCrashError && err.resumable) {
        status.set(id, 'interrupted', {
          error: `${err.message} ${job.checkpointed ? 'Resume to continue from the last checkpoint.' : 'Resume to start it again.'}`,
        })
      } else status.set(id, 'failed', { error: err.message || String(err), finishedAt: at })
    },
  }
}

/** Result recording as the scheduler uses it. */
export type RunResults = ReturnType<typeof createRunResults>
