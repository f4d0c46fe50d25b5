// Evaluation results, live "try it" predictions and attention maps, per run.
import { defineStore } from 'pinia'
import { reactive, shallowRef } from 'vue'
import type { AttentionComparison, RunEvaluation } from '../../../shared/api'
import type { Prediction } from '../../../shared/domain'
import { errorMessage, useApi } from '../api'

/** Results and explanations of trained runs. */
export const useResultsStore = defineStore('results', () => {
  const evaluations = reactive<Record<string, RunEvaluation>>({})
  /** Per run: its latest evaluation on another dataset (every labelled row of it). */
  const otherEvaluations = reactive<Record<string, RunEvaluation>>({})
  const predictions = reactive<Record<string, Prediction & { text: string }>>({})
  const attention = shallowRef<AttentionComparison | null>(null)
  const error = reactive<Record<string, string | null>>({})
  const busy = reactive<Record<string, boolean>>({})
  const predictSeq: Record<string, number> = {}

  async function track<T>(key: string, fn: () => Promise<T>): Promise<T | undefined> {
    busy[key] = true
    error[key] = null
    try {
      return await fn()
    } catch (err) {
      error[key] = errorMessage(err)
      return undefined
    } finally {
      busy[key] = false
    }
  }

  /** Evaluate on the run's validation rows (cached). */
  async function evaluate(runId: string, force = false): Promise<void> {
    if (evaluations[runId] && !force) return
    const r = await track(`${runId}:evaluate`, () => useApi().runs.evaluate({ id: runId }))
    if (r) evaluations[runId] = r
  }

  /** Score a run on every labelled row of another dataset (the answer replaces the previous one). */
  async function evaluateOn(runId: string, datasetId: string): Promise<void> {
    delete otherEvaluations[runId]
    const r = await track(`${runId}:evaluateOther`, () => useApi().runs.evaluate({ id: runId, datasetId }))
    if (r) otherEvaluations[runId] = r
  }

  /** Classify typed text; only the newest answer is kept when typing fast. */
  async function predict(runId: string, text: string): Promise<void> {
    const seq = (predictSeq[runId] = (predictSeq[runId] ?? 0) + 1)
    if (!text.trim()) {
      delete predictions[runId]
      return
    }
    const r = await track(`${runId}:predict`, () => useApi().runs.predict({ id: runId, text, attention: true }))
    if (r && seq === predictSeq[runId]) predictions[runId] = { ...r, text }
  }

  /** Attention for one text on one or two runs. */
  async function loadAttention(ids: string[], text: string): Promise<void> {
    if (!ids.length || !text.trim()) return
    const r = await track('attention', () => useApi().runs.attention({ ids, text }))
    if (r) attention.value = r
  }

  return { evaluations, otherEvaluations, predictions, attention, error, busy, evaluate, evaluateOn, predict, loadAttention }
})
