// Per-item "busy" flags and error messages for store actions, keyed by `${id}:${action}`, so
// a view can show a spinner and the error exactly where the user acted.
import { reactive } from 'vue'
import { errorMessage } from '../api'

/** Busy flags, last errors, and a wrapper that runs an action while keeping both up to date. */
export function trackedActions() {
  const busy = reactive<Record<string, boolean>>({})
  const actionError = reactive<Record<string, string | null>>({})
  /** Run `fn` for item `id`; resolves undefined (with the error recorded) when it throws. */
  async function run<T>(id: string, action: string, fn: () => Promise<T>): Promise<T | undefined> {
    const key = `${id}:${action}`
    busy[key] = true
    actionError[key] = null
    try {
      return await fn()
    } catch (err) {
      actionError[key] = errorMessage(err)
      return undefined
    } finally {
      busy[key] = false
    }
  }
  return { busy, actionError, run }
}
