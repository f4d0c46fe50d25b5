// Exporting a run: chosen formats, the folder, and the verification the services report.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ExportResult } from '../../../shared/api'
import { exportFormats, type ExportFormat } from '../../../shared/formats'
import { errorMessage, useApi } from '../api'

/** Formats the services can write (listed once, in shared/formats). */
export { exportFormats, type ExportFormat }

function readExported(): boolean {
  try {
    return localStorage.getItem('wb.exported') === '1'
  } catch {
    return false
  }
}

/** Export form and result. */
export const useExportsStore = defineStore('exports', () => {
  const runId = ref<string | null>(null)
  const formats = ref<ExportFormat[]>(['tfjs'])
  const outDir = ref('')
  /** Which model of the run: its own, or the classic baseline trained beside it. */
  const model = ref<'run' | 'baseline'>('run')
  const result = ref<ExportResult | null>(null)
  /** Whether this browser or window has exported a model before (the Home path's last step). */
  const exportedOnce = ref(readExported())
  const running = ref(false)
  const error = ref<string | null>(null)
  /** Message after asking the system to show the export folder (null when it opened). */
  const openMessage = ref<string | null>(null)

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
        ...(model.value === 'baseline' ? { model: 'baseline' as const } : {}),
      })
      exportedOnce.value = true
      try {
        localStorage.setItem('wb.exported', '1')
      } catch {}
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      running.value = false
    }
  }

  /** Ask the services to show the export folder in the system file manager. */
  async function openFolder(): Promise<boolean> {
    if (!result.value) return false
    openMessage.value = null
    try {
      const r = await useApi().exports.openFolder({ path: result.value.outDir })
      if (!r.opened) openMessage.value = r.message ?? null
      return r.opened
    } catch (err) {
      openMessage.value = errorMessage(err)
      return false
    }
  }

  /** Desktop: choose the export folder in the system dialog. */
  async function pickFolder(): Promise<void> {
    try {
      const r = await useApi().exports.pickFolder()
      if (r.path) outDir.value = r.path
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  /** Web mode: where the browser downloads one file of the latest export (the cookie authenticates it). */
  function downloadUrl(file: string): string | null {
    if (!result.value) return null
    return `/download?dir=${encodeURIComponent(result.value.outDir)}&file=${encodeURIComponent(file)}`
  }

  /** Web mode needs the zip: it is how everything reaches the browser in one download. */
  function ensureZip(): void {
    if (!formats.value.includes('zip')) formats.value = [...formats.value, 'zip']
  }

  return { exportedOnce, runId, model, formats, outDir, result, running, error, openMessage, exportRun, openFolder, pickFolder, downloadUrl, ensureZip }
})
