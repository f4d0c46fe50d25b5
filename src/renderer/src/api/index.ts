// Which transport the renderer uses: the desktop preload bridge when present, HTTP otherwise.
// Only stores import this module; components never talk to the transport.
import { toRaw } from 'vue'
import type { WorkbenchApi } from '../../../shared/api'
import { createHttpApi } from './http-client'

/** Copy a value out of Vue's reactive proxies: IPC's structured clone refuses proxies. */
export function toPlain<T>(value: T): T {
  const v = toRaw(value) as unknown
  if (v === null || typeof v !== 'object') return v as T
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v as T
  if (Array.isArray(v)) return v.map((x) => toPlain(x)) as T
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toPlain(x)
  return out as T
}

/** Wrap the preload bridge so every input crosses IPC as plain data. */
function plainInputs(bridge: WorkbenchApi): WorkbenchApi {
  const out: Record<string, unknown> = { subscribe: bridge.subscribe }
  for (const [group, methods] of Object.entries(bridge)) {
    if (group === 'subscribe') continue
    const g: Record<string, (input?: unknown) => Promise<unknown>> = {}
    for (const [name, fn] of Object.entries(methods as Record<string, (input?: unknown) => Promise<unknown>>)) {
      g[name] = (input?: unknown) => fn(input === undefined ? undefined : toPlain(input))
    }
    out[group] = g
  }
  return out as WorkbenchApi
}

declare global {
  interface Window {
    /** Set by the desktop preload (contextBridge); absent in a browser. */
    workbench?: WorkbenchApi
  }
}

/** Hooks the app store installs so transport-level conditions reach the UI. */
export const transportHooks = {
  onUnauthorized: () => {},
  onReconnect: () => {},
}

let current: WorkbenchApi | null = null

/** The API in use, picked on first call. */
export function useApi(): WorkbenchApi {
  if (!current) {
    current =
      typeof window !== 'undefined' && window.workbench
        ? plainInputs(window.workbench)
        : createHttpApi({
            onUnauthorized: () => transportHooks.onUnauthorized(),
            onReconnect: () => transportHooks.onReconnect(),
          })
  }
  return current
}

/** Replace the API (tests, or a future transport). */
export function setApi(api: WorkbenchApi | null): void {
  current = api
}

/** Which transport is active, for the status bar. */
export function transportKind(): 'desktop' | 'web' {
  return typeof window !== 'undefined' && window.workbench ? 'desktop' : 'web'
}

export { ApiError, errorMessage } from './api-error'
