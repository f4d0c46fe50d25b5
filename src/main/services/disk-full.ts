// A full disk is the user's to fix, never an internal error: every write path that hits ENOSPC or
// SQLITE_FULL answers "the disk is full; free N MB", and clean-up after such a failure is best
// effort, so a full disk can never leave the data folder unusable.
import { statfsSync } from 'node:fs'
import { UserError } from '../../shared/api'

const MB = 1024 * 1024

/** True for errors that mean the disk (or the database's allowed size) is full, from any layer. */
export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : ''
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_IOERR_WRITE') return true
  // Errors relayed as text from the trainer process keep only their message.
  const message = typeof e?.message === 'string' ? e.message : ''
  return /\bENOSPC\b|no space left on device|database or disk is full|disk quota exceeded/i.test(message)
}

/** Bytes free for this process on the drive holding `dir`; null when the system cannot say. */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir)
    return s.bavail * s.bsize
  } catch {
    return null
  }
}

/**
 * The user-facing error for a full disk: how many MB to free, from what the operation needed
 * (when known) and what is free now, plus 50 MB so the next attempt has room to work.
 */
export function diskFullError(dir: string, neededBytes = 0, what = 'The operation'): UserError {
  const free = freeBytes(dir) ?? 0
  const toFree = Math.max(0, Math.ceil((neededBytes - free) / MB)) + 50
  return new UserError(`The disk is full: ${what.toLowerCase()} could not be written and nothing was saved; free ${toFree} MB on the drive holding ${dir} and try again.`)
}

/** Refuse up front when `neededBytes` clearly will not fit (cheap: one statfs). */
export function assertRoom(dir: string, neededBytes: number, what: string): void {
  const free = freeBytes(dir)
  if (free !== null && neededBytes > free) throw diskFullError(dir, neededBytes, what)
}

/** Run a clean-up step that must never stop the app from starting; false when it could not run now. */
export function bestEffort(step: () => void, label: string): boolean {
  try {
    step()
    return true
  } catch (err) {
    console.error(`[workbench] ${label} skipped for now (${(err as Error)?.message ?? String(err)}); it is retried at the next start.`)
    return false
  }
}
