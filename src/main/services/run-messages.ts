// What a training job's trainer says, turned into rows and events: progress and metric points are
// batched into few transactions (run-live.ts), live events throttled, checkpoints recorded once what
// precedes them is durable, and the backend a trainer announced noted.
import type { BackendInfo, RunEvent } from '../../shared/domain'
import type { TrainerMessage } from '../../shared/trainer-protocol'
import type { RunsRepo } from '../store/runs-repo'
import { EventThrottle, MetricWriter } from './run-live'
import { safely } from './safely'

/** How often buffered metric points are written. */
const flushMs = 250

/** What one training session's messages accumulate; the scheduler keeps one per active job. */
export interface JobTally {
  /** A checkpoint exists to resume from (recorded before, or reported in this session). */
  checkpointed: boolean
  /** False until the session's first step has cleared history at and after it. */
  historyCleared: boolean
  /** Sum and count of the tokens/s figures reported, for the run's mean throughput. */
  tpsSum: number
  tpsN: number
}

/** The live side of training runs: message handling plus the buffered metric writer behind it. */
export function createRunMessages(deps: { repo: RunsRepo; emit: (e: RunEvent) => void; noteBackend: (b: BackendInfo) => void }) {
  const { repo, emit } = deps
  const writer = new MetricWriter(repo)
  const throttle = new EventThrottle(emit)
  const flushTimer = setInterval(() => safely(() => writer.flush()), flushMs)
  flushTimer.unref()

  function handle(id: string, tally: JobTally, m: TrainerMessage): void {
    // Resuming replays the steps after the trainer's last checkpoint, which can be newer than the
    // one recorded here: rows from the session's first reported step on are replaced.
    if (!tally.historyCleared && (m.type === 'progress' || m.type === 'metric')) {
      const step = m.type === 'progress' ? m.step : m.point.step
      writer.flush()
      repo.truncateMetrics(id, step - 1)
      tally.historyCleared = true
    }
    switch (m.type) {
      case 'ready':
        repo.setBackend(id, m.backend.name, m.backend.description)
        deps.noteBackend(m.backend)
        break
      case 'progress': {
        if (m.tokensPerSec > 0) {
          tally.tpsSum += m.tokensPerSec
          tally.tpsN++
        }
        writer.setProgress(id, { epoch: m.epoch, step: m.step, totalSteps: m.totalSteps, etaSec: m.etaSec })
        throttle.progress({ ...m, runId: id })
        break
      }
      case 'metric':
        writer.add(id, m.point)
        throttle.metric(id, m.point)
        break
      case 'checkpoint':
        // Everything up to the checkpoint must be durable before the checkpoint is recorded.
        writer.flush()
        repo.setCheckpoint(id, m.step, m.epoch)
        tally.checkpointed = true
        break
      case 'log':
        emit({ type: 'log', runId: id, level: m.level, message: m.message })
        break
    }
  }

  return {
    /** Handle one message of run `id`'s trainer; a failed write is logged, not thrown. */
    onMessage(id: string, tally: JobTally, m: TrainerMessage): void {
      safely(() => handle(id, tally, m))
    },
    /** The job stopped: write its pending rows and send its pending events now. */
    settle(id: string): void {
      writer.flush()
      throttle.flush(id)
    },
    /** Write every pending row (before reading history back). */
    flush(): void {
      writer.flush()
    },
    /** Stop the flush timer and write what is pending. */
    close(): void {
      clearInterval(flushTimer)
      writer.flush()
    },
  }
}

/** The live side as the scheduler and the API use it. */
export type RunMessages = ReturnType<typeof createRunMessages>
