// Which process owns a run: each runs service (an app window, web mode, a terminal) is an owner with
// an id and a pid and writes a heartbeat; a run whose owner is gone can be taken over.
import { newId } from '../store/ids'
import type { RunRecord } from '../store/runs-repo'
import { processAlive } from '../engine/process-alive'
import { safely } from './safely'

/** A run whose owner has not written a heartbeat for this long is considered abandoned. */
const staleAfterMs = 30_000

/** Service instances alive in this process, so a same-pid owner can be told apart from a dead one. */
const liveOwners = new Set<string>()

/** This service's owner identity; `release` when the service closes. */
export function createOwner() {
  const owner = { pid: process.pid, id: newId('owner') }
  liveOwners.add(owner.id)
  return { ...owner, release: () => liveOwners.delete(owner.id) }
}

/** Is the process that owns this run still alive (and not us after a restart)? */
export function ownerAlive(rec: RunRecord): boolean {
  if (!rec.ownerId) return false
  if (liveOwners.has(rec.ownerId)) return true
  if (rec.ownerPid === null || rec.ownerPid === process.pid) return false
  if (!processAlive(rec.ownerPid)) return false
  return rec.heartbeatAt !== null && Date.now() - rec.heartbeatAt < staleAfterMs
}

/** What the heartbeat needs of the runs repository. */
interface HeartbeatRepo {
  heartbeat(ownerId: string): void
  controlRequests(ownerId: string): { id: string; control: 'cancel' | 'pause' }[]
  setControl(id: string, control: 'cancel' | 'pause' | null): void
}

/**
 * Writes this owner's heartbeat every `everyMs` and hands over the cancel and pause requests other
 * processes left for its runs (each once). `stop` ends it.
 */
export function startHeartbeat(
  repo: HeartbeatRepo,
  ownerId: string,
  onControl: (id: string, control: 'cancel' | 'pause') => unknown,
  everyMs = 2_000,
): { stop(): void } {
  let stopped = false
  const beat = () => {
    if (stopped) return
    repo.heartbeat(ownerId)
    for (const req of repo.controlRequests(ownerId)) {
      repo.setControl(req.id, null)
      void Promise.resolve()
        .then(() => onControl(req.id, req.control))
        .catch(() => {})
    }
  }
  const timer = setInterval(() => safely(beat), everyMs)
  timer.unref()
  return {
    stop() {
      stopped = true
      clearInterval(timer)
    },
  }
}
