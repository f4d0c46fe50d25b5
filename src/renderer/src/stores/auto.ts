// The Auto preset: start a time-boxed search on a dataset and follow its leaderboard until it ends.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AutoResult } from '../../../shared/auto'
import { errorMessage, useApi } from '../api'

/** How often a running search is asked for its leaderboard. */
const pollMs = 2000

/** The Auto search this window started last, and its busy/error state. */
export const useAutoStore = defineStore('auto', () => {
  const current = ref<AutoResult | null>(null)
  const minutes = ref(5)
  const busy = ref(false)
  const error = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null

  function stopPolling(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }

  async function poll(): Promise<void> {
    const a = current.value
    if (!a || a.status !== 'running') return
    try {
      current.value = await useApi().auto.get({ autoId: a.autoId })
    } catch (err) {
      error.value = errorMessage(err)
    }
    if (current.value?.status === 'running') timer = setTimeout(() => void poll(), pollMs)
  }

  /** Start a search on a dataset with the chosen budget. */
  async function start(datasetId: string, name?: string): Promise<void> {
    stopPolling()
    busy.value = true
    error.value = null
    try {
      current.value = await useApi().auto.start({ datasetId, budgetSeconds: Math.round(minutes.value * 60), name })
      timer = setTimeout(() => void poll(), pollMs)
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      busy.value = false
    }
  }

  /**
   * Show the latest search on a dataset when this window has none for it (after a restart, or one
   * the terminal started), and follow it if it is still running.
   */
  async function restore(datasetId: string | null): Promise<void> {
    if (!datasetId || current.value?.datasetId === datasetId) return
    stopPolling()
    try {
      const [latest] = await useApi().auto.list({ datasetId })
      current.value = latest ?? null
      if (latest?.status === 'running') timer = setTimeout(() => void poll(), pollMs)
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  /** Stop the search after cancelling its current trial. */
  async function cancel(): Promise<void> {
    const a = current.value
    if (!a) return
    try {
      current.value = await useApi().auto.cancel({ autoId: a.autoId })
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  return { current, minutes, busy, error, start, restore, cancel, poll, stopPolling }
})
