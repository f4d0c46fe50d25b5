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

  return { info, presets, loading, error, unauthorized, theme, locale, backendText, load, refreshInfo, recoverFromLoadError, setTheme, switchLocale }
})
