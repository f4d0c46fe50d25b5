// The queue: queued runs this service owns start in order, at most `concurrency` at once, each in
// its own trainer process; a job that ends frees its place for the next. Cancel and pause reach a
// running job through its AbortSignal.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { RunConfig } from '../../shared/config'
import type { Run } from '../../shared/domain'
import type { TrainerJob } from '../../shared/trainer-protocol'
import type { RunsRepo } from '../store/runs-repo'
import type { RunMessages } from './run-messages'
import type { EndedJob, RunResults } from './run-results'
import type { RunStatusBook } from './run-status'
import { runJob, type SpawnTrainer } from './trainer-host'

/** A job training in this process. */
interface ActiveJob extends EndedJob {
  controller: AbortController
  done: Promise<void>
}

/** Runs queued jobs and stops running ones. */
export function createRunScheduler(deps: {
  repo: RunsRepo
  spawn: SpawnTrainer
  owner: { pid: number; id: string }
  concurrency: number
  status: RunStatusBook
  messages: RunMessages
  results: RunResults
  /** The model folder a fine-tune initialises from, null from scratch. */
  initFrom: (config: RunConfig) => string | null
}) {
  const { repo, owner, status } = deps
  const active = new Map<string, ActiveJob>()
  let closed = false

  function launch(id: string): void {
    const rec = repo.record(id)
    if (!rec) throw new Error(`There is no run with id "${id}".`)
    const run = rec.run
    const dataPath = join(rec.runDir, 'data.json')
    if (!existsSync(dataPath)) throw new Error('its data file is missing from the run folder')
    // Resuming continues from the trainer's last checkpoint and replays the steps after it. That
    // checkpoint can be newer than the one recorded here (the app died between the trainer writing
    // it and reporting it), so old rows are dropped from the first step the new session reports.
    const resume = rec.checkpointStep !== null
    if (!resume) repo.truncateMetrics(id, null)
    const job: TrainerJob = { kind: 'train', runId: id, runDir: rec.runDir, config: run.config, dataPath, resume, initFrom: deps.initFrom(run.config) }
    repo.setOwner(id, owner)
    status.set(id, 'running', { startedAt: run.startedAt ?? new Date().toISOString(), finishedAt: null, error: null })
    const a: ActiveJob = {
      controller: new AbortController(),
      requested: null,
      checkpointed: resume,
      done: Promise.resolve(),
      tpsSum: 0,
      tpsN: 0,
      historyCleared: !resume,
    }
    active.set(id, a)
    a.done = runJob(deps.spawn, job, {
      signal: a.controller.signal,
      onMessage: (m) => deps.messages.onMessage(id, a, m),
    })
      .then(
        (res) => {
          deps.messages.settle(id)
          return deps.results.finished(id, a, res)
        },
        (err) => {
          deps.messages.settle(id)
          deps.results.ended(id, a, err as Error)
        },
      )
      .catch((err) => {
        status.set(id, 'failed', { error: `Recording the result failed: ${(err as Error).message}`, finishedAt: new Date().toISOString() })
      })
      .finally(() => {
        active.delete(id)
        pump()
      })
  }

  /** Start queued runs while there is room. */
  function pump(): void {
    if (closed) return
    const free = deps.concurrency - active.size
    if (free <= 0) return
    for (const id of repo.nextQueued(owner.id, free)) {
      try {
        launch(id)
      } catch (err) {
        status.set(id, 'failed', { error: `The run could not start: ${(err as Error).message}`, finishedAt: new Date().toISOString() })
      }
    }
  }

  /**
   * Ask a running job to cancel or pause. Waits until it has stopped, or at most `waitMs`: a trainer
   * busy in a long step answers later, and the caller gets the run as it is then (a status event
   * follows). The trainer host kills a trainer that ignores the request for too long.
   */
  async function stopJob(id: string, a: ActiveJob, how: 'cancel' | 'pause', waitMs: number): Promise<Run> {
    a.requested = how
    a.controller.abort(how)
    if (waitMs === Infinity) await a.done
    else {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([a.done, new Promise<void>((res) => (timer = setTimeout(res, waitMs)))])
      clearTimeout(timer)
    }
    return repo.get(id)!
  }

  return {
    pump,
    /** Every place is taken. */
    full: (): boolean => active.size >= deps.concurrency,
    /** Stop run `id` if it trains here (the run as it is then); null when it does not. */
    stop(id: string, how: 'cancel' | 'pause', waitMs = Infinity): Promise<Run> | null {
      const a = active.get(id)
      return a ? stopJob(id, a, how, waitMs) : null
    },
    /** Start nothing more and pause every running job so it can resume later. */
    async close(): Promise<void> {
      closed = true
      await Promise.all([...active.entries()].map(([id, a]) => stopJob(id, a, 'pause', Infinity)))
    },
  }
}
