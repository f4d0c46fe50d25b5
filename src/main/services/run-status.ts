// A run's status changes in one place: the row, the owner released once it stops training, the
// status event, and whoever waits for the run to settle.
import { inFlightRunStatuses, runStatusIn, settledRunStatuses, type Run, type RunEvent, type RunStatus } from '../../shared/domain'
import type { RunsRepo } from '../store/runs-repo'

/** Extra columns a status change may set (times, the error, a move to the back of the queue). */
export type StatusExtra = Parameters<RunsRepo['setStatus']>[2]

/** Sets statuses and answers waits for a run to settle. */
export function createRunStatus(repo: RunsRepo, emit: (e: RunEvent) => void) {
  const waiters = new Map<string, Set<(r: Run) => void>>()

  function notify(id: string): void {
    const ws = waiters.get(id)
    if (!ws) return
    const run = repo.get(id)
    if (!run) return
    waiters.delete(id)
    for (const w of ws) w(run)
  }

  return {
    /** Record a status, release the run's owner when it no longer trains, and tell listeners. */
    set(id: string, status: RunStatus, extra: StatusExtra = {}): void {
      repo.setStatus(id, status, extra)
      if (!runStatusIn(inFlightRunStatuses, status)) repo.setOwner(id, null)
      emit({ type: 'status', runId: id, status, error: extra.error ?? null })
      if (runStatusIn(settledRunStatuses, status)) notify(id)
    },

    /** Resolves when `run` is completed, failed, cancelled, interrupted or paused. */
    waitFor(run: Run): Promise<Run> {
      const runId = run.id
      if (runStatusIn(settledRunStatuses, run.status)) return Promise.resolve(run)
      return new Promise<Run>((res) => {
        let set = waiters.get(runId)
        if (!set) waiters.set(runId, (set = new Set()))
        // Another process may own the run: poll the store as well as listening.
        const poll = setInterval(() => {
          const r = repo.get(runId)
          if (!r || runStatusIn(settledRunStatuses, r.status)) done(r ?? run)
        }, 500)
        const done = (r: Run) => {
          clearInterval(poll)
          set.delete(done)
          res(r)
        }
        set.add(done)
      })
    },
  }
}

/** The status half of the runs service, as the scheduler and result recording use it. */
export type RunStatusBook = ReturnType<typeof createRunStatus>
