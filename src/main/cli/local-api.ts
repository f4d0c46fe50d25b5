// The terminal's WorkbenchApi: the same validated dispatch the desktop and web transports use,
// called in-process. Verbs call these typed methods, so their inputs and results are checked by
// the compiler against the one contract.
import { apiSpec, type WorkbenchApi } from '../../shared/api'
import type { App } from '../app'

/** Build a WorkbenchApi over a running app. */
export function createLocalApi(app: App): WorkbenchApi {
  const api: Record<string, unknown> = { subscribe: app.events.subscribe.bind(app.events) }
  for (const [group, methods] of Object.entries(apiSpec)) {
    const g: Record<string, (input?: unknown) => Promise<unknown>> = {}
    for (const m of Object.keys(methods)) g[m] = (input?: unknown) => app.call(`${group}.${m}`, input)
    api[group] = g
  }
  // Same construction as the preload bridge and the HTTP client: built from apiSpec, so complete.
  return api as WorkbenchApi
}
