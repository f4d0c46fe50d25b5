// Comparison of 2 to 4 runs: which are picked and what the services found.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { RunComparison } from '../../../shared/api'
import { errorMessage, useApi } from '../api'

/** Maximum and minimum number of runs in one comparison (the contract's limits). */
export const compareLimits = { min: 2, max: 4 } as const

/** The picked runs and their comparison. */
export const useCompareStore = defineStore('compare', () => {
  const ids = ref<string[]>([])
  const result = shallowRef<RunComparison | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)

  function setIds(next: string[]): void {
    ids.value = next.slice(0, compareLimits.max)
  }

  async function load(): Promise<void> {
    if (ids.value.length < compareLimits.min) {
      result.value = null
      return
    }
    loading.value = true
    error.value = null
    try {
      result.value = await useApi().runs.compare({ ids: ids.value })
    } catch (err) {
      error.value = errorMessage(err)
      result.value = null
    } finally {
      loading.value = false
    }
  }

  return { ids, result, loading, error, setIds, load }
})
