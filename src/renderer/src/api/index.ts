// Which transport the renderer uses: the desktop preload bridge when present, HTTP otherwise.
// Only stores import this module; components never talk to the transport.
import type { WorkbenchApi } from '../../../shared/api'
import { createHttpApi } from './http-client'

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
        ? window.workbench
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
