// Runs: the history, live progress and metric series fed by the `run` event stream, and the
// lifecycle actions (start, queue, sweep, pause, resume, cancel, edit, delete).
import { defineStore } from 'pinia'
import { computed, markRaw, reactive, ref, shallowReactive } from 'vue'
import type { RunPlan, SweepResult, WorkbenchApi } from '../../../shared/api'
import type { MetricPoint, Run, RunEvent } from '../../../shared/domain'
import { errorMessage, transportHooks, useApi } from '../api'
import { useAppStore } from './app'
import { trackedActions } from '../lib/tracked-actions'

/** What the Train view sends to start, plan or queue a run (the contract's own input type). */
export type StartInput = Parameters<WorkbenchApi['runs']['start']>[0]
/** What it sends to start a sweep. */
export type SweepInput = Parameters<WorkbenchApi['runs']['sweep']>[0]

/** The latest live numbers of a running run. */
export interface LiveStats {
  loss: number
  lr: number
  tokensPerSec: number
  etaSec: number | null
  step: number
  totalSteps: number
  epoch: number
  at: number
}

/** Run history, live series and lifecycle actions. */
export const useRunsStore = defineStore('runs', () => {
  const runs = ref<Run[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** Metric history per run; arrays are raw (appended in place), `seriesTick` says when they change. */
  const series = shallowReactive<Record<string, MetricPoint[]>>({})
  const seriesTick = reactive<Record<string, number>>({})
  const live = reactive<Record<string, LiveStats>>({})
  const logs = reactive<Record<string, { level: string; message: string }[]>>({})
  const { busy, actionError, run: act } = trackedActions()
  const seen = new Map<string, Set<string>>()
  let unsubscribe: (() => void) | null = null
  // Progress arrives up to ~10 times a second per run; the screen needs a few. Keep the latest
  // and apply it at most every PROGRESS_MS so the views re-render less.
  const PROGRESS_MS = 250
  const pendingProgress = new Map<string, Extract<RunEvent, { type: 'progress' }>>()
  let progressTimer: ReturnType<typeof setTimeout> | null = null

  function applyProgress(): void {
    progressTimer = null
    for (const e of pendingProgress.values()) {
      live[e.runId] = {
        loss: e.loss,
        lr: e.lr,
        tokensPerSec: e.tokensPerSec,
        etaSec: e.etaSec,
        step: e.step,
        totalSteps: e.totalSteps,
        epoch: e.epoch,
        at: Date.now(),
      }
      const run = byId.value.get(e.runId)
      if (run) upsert({ ...run, progress: { epoch: e.epoch, step: e.step, totalSteps: e.totalSteps, etaSec: e.etaSec } })
    }
    pendingProgress.clear()
  }

  const byId = computed(() => new Map(runs.value.map((r) => [r.id, r])))
  const active = computed(() => runs.value.filter((r) => r.status === 'running' || r.status === 'paused' || r.status === 'queued'))

  function subscribe(): void {
    if (unsubscribe) return
    unsubscribe = useApi().subscribe('run', onEvent)
    // After a dropped connection, reload what may have been missed.
    const prev = transportHooks.onReconnect
    transportHooks.onReconnect = () => {
      prev()
      void refresh()
      for (const id of Object.keys(series)) void loadMetrics(id)
    }
  }

  function upsert(run: Run): void {
    const i = runs.value.findIndex((r) => r.id === run.id)
    if (i >= 0) runs.value.splice(i, 1, run)
    else runs.value.unshift(run)
  }

  function addPoint(runId: string, p: MetricPoint): void {
    const arr = series[runId]
    if (!arr) return
    const keys = seen.get(runId)!
    const key = `${p.split}:${p.step}:${p.epoch}`
    if (keys.has(key)) return
    keys.add(key)
    arr.push(p)
    seriesTick[runId] = (seriesTick[runId] ?? 0) + 1
  }

  function onEvent(e: RunEvent): void {
    if (e.type === 'status') {
      // Progress that was waiting belongs before this status change.
      if (pendingProgress.size) applyProgress()
      const current = byId.value.get(e.runId)
      if (current) upsert({ ...current, status: e.status, error: e.error ?? current.error })
      // Final metrics, timings and the backend arrive with the stored run.
      void fetchRun(e.runId)
      if (e.status === 'running') void useAppStore().refreshInfo()
    } else if (e.type === 'progress') {
      pendingProgress.set(e.runId, e)
      progressTimer ??= setTimeout(applyProgress, PROGRESS_MS)
    } else if (e.type === 'metric') {
      addPoint(e.runId, e.point)
    } else if (e.type === 'log') {
      ;(logs[e.runId] ??= []).push({ level: e.level, message: e.message })
    }
  }

  async function refresh(): Promise<void> {
    loading.value = true
    try {
      runs.value = await useApi().runs.list({ limit: 10000, sort: 'createdAt', order: 'desc' })
      error.value = null
      loaded.value = true
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  async function fetchRun(id: string): Promise<Run | null> {
    try {
      const r = await useApi().runs.get({ id })
      upsert(r)
      return r
    } catch (err) {
      actionError[`${id}:get`] = errorMessage(err)
      return null
    }
  }

  /** Load a run's history, then keep it live from events. */
  async function loadMetrics(id: string): Promise<void> {
    subscribe()
    if (!series[id]) {
      series[id] = markRaw([])
      seen.set(id, new Set())
    }
    try {
      const points = await useApi().runs.metrics({ id })
      for (const p of points) addPoint(id, p)
      series[id].sort((a, b) => (a.step - b.step) || (a.split < b.split ? -1 : 1))
      seriesTick[id] = (seriesTick[id] ?? 0) + 1
    } catch (err) {
      actionError[`${id}:metrics`] = errorMessage(err)
    }
  }



  async function start(input: StartInput): Promise<Run | undefined> {
    subscribe()
    const r = await act('new', 'start', () => useApi().runs.start(input))
    if (r) upsert(r)
    return r
  }

  async function plan(input: StartInput): Promise<RunPlan | undefined> {
    return act('new', 'plan', () => useApi().runs.plan(input))
  }

  async function sweep(input: SweepInput & { queue?: boolean }): Promise<{ sweepId: string; runs: Run[] } | undefined> {
    subscribe()
    const { queue: _q, ...rest } = input
    const r = await act('new', 'sweep', () => useApi().runs.sweep(rest))
    r?.runs.forEach(upsert)
    return r
  }

  async function sweepResult(sweepId: string): Promise<SweepResult | undefined> {
    return act(sweepId, 'sweepResult', () => useApi().runs.sweepResult({ sweepId }))
  }

  async function lifecycle(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    subscribe()
    const r = await act(id, action, () => useApi().runs[action]({ id }))
    if (r) upsert(r)
  }

  async function update(id: string, patch: { name?: string; notes?: string; tags?: string[]; starred?: boolean }): Promise<boolean> {
    const before = byId.value.get(id)
    // Optimistic for stars and tags so the table responds at once; undone if the call fails.
    if (before) upsert({ ...before, ...patch })
    const r = await act(id, 'update', () => useApi().runs.update({ id, ...patch }))
    if (r) upsert(r)
    else if (before) upsert(before)
    return !!r
  }

  async function remove(id: string): Promise<boolean> {
    const r = await act(id, 'delete', () => useApi().runs.delete({ id }))
    if (r?.deleted) runs.value = runs.value.filter((x) => x.id !== id)
    return !!r?.deleted
  }

  return {
    runs,
    loading,
    loaded,
    error,
    series,
    seriesTick,
    live,
    logs,
    actionError,
    busy,
    byId,
    active,
    subscribe,
    refresh,
    fetchRun,
    loadMetrics,
    start,
    plan,
    sweep,
    sweepResult,
    pause: (id: string) => lifecycle(id, 'pause'),
    resume: (id: string) => lifecycle(id, 'resume'),
    cancel: (id: string) => lifecycle(id, 'cancel'),
    update,
    remove,
  }
})
