// Predictions from a finished run's model through one warm trainer process, with a small cache:
// the try-it box asks again for text it has seen (typing, deleting), and a finished model's answer
// never changes. Concurrent identical asks share one job.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../shared/api'
import type { BackendInfo, Prediction } from '../../shared/domain'
import type { RunRecord } from '../store/runs-repo'
import { createPredictWorker, type SpawnTrainer } from './trainer-host'

const maxCachedPredictions = 256

/** The runs service's predictions: single texts cached, batches (a file's lines) not. */
export function createRunPredictions(spawn: SpawnTrainer, onBackend: (b: BackendInfo) => void) {
  const cache = new Map<string, Promise<Prediction>>()
  const worker = createPredictWorker(spawn, { onBackend })

  function modelDirOf(rec: RunRecord): string {
    const modelDir = join(rec.runDir, 'model')
    if (!existsSync(modelDir)) throw new UserError(`The run "${rec.run.name}" has no trained model yet (it is ${rec.run.status}).`)
    return modelDir
  }

  return {
    /** One text, from the cache when it was asked before. */
    predict(rec: RunRecord, text: string, attention: boolean): Promise<Prediction> {
      const modelDir = modelDirOf(rec)
      const key = `${rec.run.id}\u0000${attention ? 1 : 0}\u0000${text}`
      const hit = cache.get(key)
      if (hit) {
        cache.delete(key)
        cache.set(key, hit)
        return hit
      }
      // A warm worker keeps the model loaded, so a keystroke costs a forward pass, not a process start.
      const p = worker.predict({ modelDir, texts: [text], attention }).then((res) => {
        if (!res[0]) throw new Error('The model returned no prediction.')
        return res[0]
      })
      cache.set(key, p)
      p.catch(() => cache.delete(key))
      if (cache.size > maxCachedPredictions) cache.delete(cache.keys().next().value!)
      return p
    },
    /** Many texts in one request to the warm worker; not cached. */
    predictMany(rec: RunRecord, texts: string[], attention: boolean): Promise<Prediction[]> {
      return worker.predict({ modelDir: modelDirOf(rec), texts, attention })
    },
    /** Drop a run's cached answers (the run was deleted). */
    forget(runId: string): void {
      for (const k of cache.keys()) if (k.startsWith(`${runId}\u0000`)) cache.delete(k)
    },
    close(): void {
      worker.close()
    },
  }
}
