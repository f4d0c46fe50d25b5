// The attention explorer for image runs: an image the user dropped or chose, shrunk in the page (the model
// reads 64 px at most) and sent through the predict call, with where [CLS] looked on the grid of patches.
import { defineStore } from 'pinia'
import { reactive } from 'vue'
import type { Prediction } from '../../../shared/domain'
import { useApi } from '../api'
import { trackedActions } from '../lib/tracked-actions'

/** Per run: the last image tried (its data URL) and the model's answer. */
export const useImageExplorerStore = defineStore('imageExplorer', () => {
  const { busy, actionError, run } = trackedActions()
  const answers = reactive<Record<string, Prediction & { imageUrl: string }>>({})

  /** Classify one image (a data URL) with its attention maps. */
  async function predictImage(runId: string, imageUrl: string): Promise<void> {
    const r = await run(runId, 'predictImage', () => useApi().runs.predict({ id: runId, text: imageUrl, attention: true }))
    if (r) answers[runId] = { ...r, imageUrl }
  }

  return { busy, actionError, answers, predictImage }
})
