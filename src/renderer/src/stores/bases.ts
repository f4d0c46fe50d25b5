// Bases: the pretrained bodies classifiers start from (imported checkpoints and pretraining runs),
// importing one from a folder with progress, and deleting one that no run uses.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Base, BaseEvent } from '../../../shared/domain'
import { errorMessage, useApi } from '../api'

/** The bases list and the import form. */
export const useBasesStore = defineStore('bases', () => {
  const list = ref<Base[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** The import in progress: the folder and how many tensors are written so far. */
  const importing = ref<{ path: string; done: number; total: number } | null>(null)
  const importError = ref<string | null>(null)
  /** Per base: why its deletion was refused. */
  const deleteError = ref<Record<string, string>>({})
  let unsubscribe: (() => void) | null = null

  function onEvent(e: BaseEvent): void {
    if (!importing.value || e.path !== importing.value.path) return
    if (e.type === 'progress') importing.value = { path: e.path, done: e.done, total: e.total }
  }

  async function refresh(): Promise<void> {
    if (!unsubscribe) unsubscribe = useApi().subscribe('base', onEvent)
    try {
      list.value = await useApi().bases.list()
      loaded.value = true
      error.value = null
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  /** Imports a checkpoint folder (a path the server can read); true when it worked. */
  async function importFolder(path: string, name?: string): Promise<boolean> {
    const p = path.trim()
    if (!p || importing.value) return false
    importError.value = null
    importing.value = { path: p, done: 0, total: 0 }
    try {
      await useApi().bases.import({ source: { kind: 'path', path: p }, name: name?.trim() || undefined })
      await refresh()
      return true
    } catch (err) {
      importError.value = errorMessage(err)
      return false
    } finally {
      importing.value = null
    }
  }

  /** Deletes a base; a refusal (runs use it) is kept beside that base. */
  async function remove(id: string): Promise<void> {
    const next = { ...deleteError.value }
    delete next[id]
    deleteError.value = next
    try {
      await useApi().bases.delete({ id })
      await refresh()
    } catch (err) {
      deleteError.value = { ...deleteError.value, [id]: errorMessage(err) }
    }
  }

  return { list, loaded, error, importing, importError, deleteError, refresh, importFolder, remove }
})
