// Which process owns a run: each runs service (an app window, web mode, a terminal) is an owner with
// an id and a pid and writes a heartbeat; a run whose owner is gone can be taken over.
import { newId } from '../store/ids'
import type { RunRecord } from '../store/runs-repo'
import { processAlive } from './process-alive'

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
