// App-wide state: what the services report about themselves, presets, theme, language, and
// whether this browser is signed in (web mode's token cookie).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { PresetName, RunConfig } from '../../../shared/config'
import type { AppInfo } from '../../../shared/domain'
import { ApiError, errorMessage, transportHooks, useApi } from '../api'
import { i18n, setLocale, type Locale } from '../i18n'

type Theme = 'light' | 'dark'

function readPref<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const v = localStorage.getItem(key) as T | null
    return v && allowed.includes(v) ? v : fallback
  } catch {
    return fallback
  }
}

function writePref(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {}
}

/** App info, presets, theme, locale and sign-in state. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const presets = ref<Record<PresetName, { description: string; config: RunConfig }> | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const unauthorized = ref(false)
  const prefersDark = typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches
  const theme = ref<Theme>(readPref('wb.theme', ['light', 'dark'], prefersDark ? 'dark' : 'light'))
  const locale = ref<Locale>(i18n.global.locale.value as Locale)
  let backendPoll: ReturnType<typeof setTimeout> | null = null

  transportHooks.onUnauthorized = () => {
    unauthorized.value = true
  }

  /** Load info and presets; called once at start. */
  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const api = useApi()
      const [i, p] = await Promise.all([api.app.info(), api.app.presets()])
      info.value = i
      presets.value = p
      unauthorized.value = false
      if (!i.backend) pollBackend()
    } catch (err) {
      if (err instanceof ApiError && err.code === 'unauthorized') unauthorized.value = true
      else error.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  // The backend is known only once a trainer has started; ask again until it is.
  function pollBackend(delay = 1000): void {
    if (backendPoll) return
    backendPoll = setTimeout(async () => {
      backendPoll = null
      try {
        const i = await useApi().app.info()
        info.value = i
        if (!i.backend) pollBackend(Math.min(delay * 2, 30_000))
      } catch {
        pollBackend(Math.min(delay * 2, 30_000))
      }
    }, delay)
  }

  /** Refresh info now (after a run starts the backend becomes known). */
  async function refreshInfo(): Promise<void> {
    try {
      info.value = await useApi().app.info()
    } catch {}
  }

  function setTheme(t: Theme): void {
    theme.value = t
    writePref('wb.theme', t)
  }

  function switchLocale(l: Locale): void {
    locale.value = l
    setLocale(l)
    writePref('wb.locale', l)
  }

  /** A part of the UI failed to load: find out why and say so. */
  async function recoverFromLoadError(err: unknown): Promise<void> {
    try {
      info.value = await useApi().app.info()
      error.value = i18n.global.t('app.partFailed', { reason: errorMessage(err) })
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthorized') unauthorized.value = true
      else error.value = errorMessage(e)
    }
  }

  const backendText = computed(() => info.value?.backend?.description ?? null)

  /** What the support actions last did, for the status bar: copied, or where the logs are. */
  const supportNote = ref<string | null>(null)
  let reported = 0

  /** Send an error of the UI to the log file (at most 20 per session, so a loop cannot flood it). */
  function reportError(err: unknown, where: string): void {
    if (reported++ >= 20) return
    const e = err instanceof Error ? err : new Error(String(err))
    void useApi()
      .app.reportError({ message: (e.message || e.name || 'error').slice(0, 2000), stack: e.stack?.slice(0, 8000), where: where.slice(0, 200) })
      .catch(() => {})
  }

  /** Show the logs folder in the file manager (or say where it is when that cannot be done). */
  async function openLogs(): Promise<void> {
    try {
      const r = await useApi().app.openLogs()
      supportNote.value = r.opened ? null : i18n.global.t('status.logsAt', { path: r.path })
    } catch (err) {
      supportNote.value = errorMessage(err)
    }
  }

  /** Copy the diagnostics report (versions, backend, OS, last problems; no user data). */
  async function copyDiagnostics(): Promise<void> {
    try {
      const { text } = await useApi().app.diagnostics()
      await navigator.clipboard.writeText(text)
      supportNote.value = i18n.global.t('status.diagnosticsCopied')
    } catch (err) {
      supportNote.value = errorMessage(err)
    }
  }

  return {
    info, presets, loading, error, unauthorized, theme, locale, backendText, supportNote,
    load, refreshInfo, recoverFromLoadError, setTheme, switchLocale, reportError, openLogs, copyDiagnostics,
  }
})
