// Whether a process id still names a running process (another app window, a terminal, a trainer,
// the writer of a temporary file). Node only; beside the engine's file helpers so both the engine
// and the services use this one.

/** True when `pid` is alive; a process we may not signal (EPERM) is alive too. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
