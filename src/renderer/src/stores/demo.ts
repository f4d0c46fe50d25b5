// The one-click demo: import the bundled sample dataset (or reuse it) and start a Quick run on it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DatasetEvent } from '../../../shared/domain'
import { errorMessage, useApi } from '../api'
import { useAppStore } from './app'
import { useDatasetsStore } from './datasets'
import { useRunsStore } from './runs'

/** State of the demo button. */
export const useDemoStore = defineStore('demo', () => {
  const phase = ref<'idle' | 'importing' | 'starting' | 'done' | 'error'>('idle')
  const error = ref<string | null>(null)
  const runId = ref<string | null>(null)

  function waitForImport(jobId: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const stop = useApi().subscribe('dataset', (e: DatasetEvent) => {
        if (e.jobId !== jobId) return
        if (e.type === 'done') {
          stop()
          resolve(e.datasetId)
        } else if (e.type === 'error') {
          stop()
          reject(new Error(e.message))
        }
      })
    })
  }

  /** Run the demo; resolves with the new run's id (null on failure, with `error` set). */
  async function start(): Promise<string | null> {
    const app = useAppStore()
    const datasets = useDatasetsStore()
    const runs = useRunsStore()
    error.value = null
    const sample = app.info?.sampleDataset
    if (!sample) {
      phase.value = 'error'
      error.value = 'noSample'
      return null
    }
    try {
      phase.value = 'importing'
      await datasets.refresh()
      let datasetId = datasets.list.find((d) => d.name === sample.name && d.status === 'ready')?.id ?? null
      if (!datasetId) {
        const api = useApi()
        // Subscribe before starting so a fast import cannot finish unseen.
        let resolveJob!: (id: string) => void
        const jobIdReady = new Promise<string>((r) => (resolveJob = r))
        const done = jobIdReady.then((id) => waitForImport(id))
        const { jobId } = await api.datasets.import({ source: { kind: 'path', path: sample.path }, name: sample.name })
        resolveJob(jobId)
        let settled = false
        datasetId = await Promise.race([
          done,
          // Fallback: the list shows the dataset even if the event was missed.
          (async () => {
            while (!settled) {
              await new Promise((r) => setTimeout(r, 1500))
              await datasets.refresh()
              const d = datasets.list.find((x) => x.name === sample.name && x.status === 'ready')
              if (d) return d.id
            }
            return new Promise<string>(() => {})
          })(),
        ]).finally(() => {
          settled = true
        })
        await datasets.refresh()
      }
      phase.value = 'starting'
      const run = await runs.start({ datasetId, preset: 'quick', name: `${sample.name} · Quick` })
      if (!run) throw new Error(runs.actionError['new:start'] ?? 'The run did not start.')
      runId.value = run.id
      phase.value = 'done'
      return run.id
    } catch (err) {
      phase.value = 'error'
      error.value = errorMessage(err)
      return null
    }
  }

  return { phase, error, runId, start }
})
