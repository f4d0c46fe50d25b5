// Exporting a run: chosen formats, the folder, and the verification the services report.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ExportResult } from '../../../shared/api'
import { errorMessage, useApi } from '../api'

/** Formats the services can write. */
export const exportFormats = ['tfjs', 'onnx', 'zip'] as const
export type ExportFormat = (typeof exportFormats)[number]

/** Export form and result. */
export const useExportsStore = defineStore('exports', () => {
  const runId = ref<string | null>(null)
  const formats = ref<ExportFormat[]>(['tfjs'])
  const outDir = ref('')
  const result = ref<ExportResult | null>(null)
  const running = ref(false)
  const error = ref<string | null>(null)

  async function exportRun(): Promise<void> {
    if (!runId.value || !formats.value.length) return
    running.value = true
    error.value = null
    result.value = null
    try {
      result.value = await useApi().exports.create({
        runId: runId.value,
        formats: formats.value,
        outDir: outDir.value.trim() || undefined,
      })
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      running.value = false
    }
  }

  return { runId, formats, outDir, result, running, error, exportRun }
})
