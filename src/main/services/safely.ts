// Background work in main (timers, trainer messages) must not take the process down when one
// write fails: the failure is logged and the next tick retries.

/** Run `fn`; log and swallow what it throws. */
export function safely(fn: () => void): void {
  try {
    fn()
  } catch (err) {
    console.error('runs:', (err as Error).message)
  }
}
